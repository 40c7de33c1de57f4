# The Book model and the session factory, shared by every program in this lesson.
import os
from sqlalchemy import create_engine, Column, Integer, String
from sqlalchemy.orm import declarative_base, sessionmaker

Base = declarative_base()


class Book(Base):
    __tablename__ = "orm_books"
    id = Column(Integer, primary_key=True)
    title = Column(String(80), nullable=False)
    author = Column(String(40), nullable=False)
    year = Column(Integer)
    pages = Column(Integer)

    def __repr__(self):
        return f"<Book {self.id} {self.title!r} ({self.year})>"


engine = create_engine(os.environ["SQLALCHEMY_URL"], future=True)
Session = sessionmaker(bind=engine, future=True)

if __name__ == "__main__":            # only when you run db.py itself, not when a program imports it
    Base.metadata.create_all(engine)  # CREATE TABLE orm_books, unless it exists
    print(Book.__table__.columns.keys())

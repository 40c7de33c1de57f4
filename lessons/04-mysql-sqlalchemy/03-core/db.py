# The tables of this lesson, described once. Every program imports them from here.
import os
from sqlalchemy import create_engine, MetaData, Table, Column, Integer, String, ForeignKey, Numeric

engine = create_engine(os.environ["SQLALCHEMY_URL"], future=True)
metadata = MetaData()

customers = Table("core_customers", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(40), nullable=False),
    Column("city", String(40)),
)
orders = Table("core_orders", metadata,
    Column("id", Integer, primary_key=True),
    Column("customer_id", ForeignKey("core_customers.id"), nullable=False),
    Column("item", String(40)),
    Column("total", Numeric(8, 2)),
)

if __name__ == "__main__":        # only when you run db.py itself, not when a program imports it
    engine.echo = True            # log every statement SQLAlchemy sends
    metadata.create_all(engine)   # CREATE TABLE for each table that does not exist yet

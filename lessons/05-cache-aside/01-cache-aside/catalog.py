"""What every snippet of this lesson shares: the model, the two clients and the key rule."""
import os

import memcache
from sqlalchemy import Column, Integer, String, create_engine
from sqlalchemy.orm import declarative_base, sessionmaker

Base = declarative_base()


class Product(Base):
    __tablename__ = "ca_products"
    id = Column(Integer, primary_key=True)
    name = Column(String(40), nullable=False)
    price = Column(Integer, nullable=False)  # in cents

    def to_dict(self):
        return {"id": self.id, "name": self.name, "price": self.price}


engine = create_engine(os.environ["SQLALCHEMY_URL"], future=True)
Session = sessionmaker(bind=engine, future=True)
mc = memcache.Client(os.environ["MEMCACHED_SERVERS"].split(","))

# Bump the version when the cached shape changes (a new field, say): copies in the old shape are
# then simply never read again, and expire on their own.
KEY_VERSION = "v1"


def cache_key(pk):
    """The table, the version and the primary key: "ca_products:v1:42"."""
    return f"{Product.__tablename__}:{KEY_VERSION}:{pk}"

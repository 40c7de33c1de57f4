"""What every snippet of this lesson shares: the model, the clients, the key rule, and the
read and write halves of cache-aside from the previous lesson."""
import json
import os

import memcache
from sqlalchemy import Column, Integer, String, create_engine
from sqlalchemy.orm import declarative_base, sessionmaker

Base = declarative_base()


class Product(Base):
    __tablename__ = "stale_products"
    id = Column(Integer, primary_key=True)
    name = Column(String(40), nullable=False)
    price = Column(Integer, nullable=False)  # in cents

    def to_dict(self):
        return {"id": self.id, "name": self.name, "price": self.price}


engine = create_engine(os.environ["SQLALCHEMY_URL"], future=True)
Session = sessionmaker(bind=engine, future=True)
mc = memcache.Client(os.environ["MEMCACHED_SERVERS"].split(","))


def cache_key(pk):
    """The table, a version and the primary key: "stale_products:v1:42"."""
    return f"{Product.__tablename__}:v1:{pk}"


def get_product(pk, ttl=300):
    """The read half: the cache first; on a miss, MySQL, and store the row for ttl seconds."""
    key = cache_key(pk)
    cached = mc.get(key)
    if cached is not None:
        return "hit ", json.loads(cached)
    with Session() as session:
        data = session.get(Product, pk).to_dict()
    mc.set(key, json.dumps(data), time=ttl)
    return "miss", data


def update_price(pk, price):
    """The write half: commit, then delete the cached copy; the next read stores a fresh one."""
    with Session() as session:
        session.get(Product, pk).price = price
        session.commit()
    mc.delete(cache_key(pk))

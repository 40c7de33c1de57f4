"""What every snippet of this lesson shares: the model, the clients, the key rule, and the
read and write halves of cache-aside from the first lesson."""
import json
import os
import time

import memcache
from sqlalchemy import Column, Integer, String, create_engine
from sqlalchemy.orm import declarative_base, sessionmaker

Base = declarative_base()


class Product(Base):
    __tablename__ = "race_products"
    id = Column(Integer, primary_key=True)
    name = Column(String(40), nullable=False)
    price = Column(Integer, nullable=False)  # in cents

    def to_dict(self):
        return {"id": self.id, "name": self.name, "price": self.price}


engine = create_engine(os.environ["SQLALCHEMY_URL"], future=True)
Session = sessionmaker(bind=engine, future=True)
mc = memcache.Client(os.environ["MEMCACHED_SERVERS"].split(","))


def cache_key(pk):
    """The table, a version and the primary key: "race_products:v1:42"."""
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


def set_the_scene(pk, price):
    """Demo only: the row at this price, and no copy in the cache, so every run starts alike."""
    with Session() as session:
        session.get(Product, pk).price = price
        session.commit()
    mc.delete(cache_key(pk))


def stall_until_written(pk, price_read, timeout=60):
    """Demo only: a reader that stalls at the worst moment (a slow network, a long GC pause).
    It waits until a writer has changed the row it read, then half a second more, so that the
    writer has also finished with the cache. Returns False if no writer came."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with Session() as session:
            if session.get(Product, pk).price != price_read:
                time.sleep(0.5)
                return True
        time.sleep(0.2)
    return False

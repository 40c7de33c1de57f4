import os
import time

import memcache

mc = memcache.Client(os.environ["MEMCACHED_SERVERS"].split(","))


def slow_forecast(city):
    """Stands in for an expensive database query or API call."""
    time.sleep(1.5)
    return "sunny in " + city


def forecast(city):
    key = "forecast:" + city
    value = mc.get(key)            # 1. look in the cache
    if value is not None:
        return value, "cache"      #    hit: done, no slow work
    value = slow_forecast(city)    # 2. miss: do the slow work
    mc.set(key, value, time=300)   # 3. keep the answer for 5 minutes
    return value, "slow query"


for attempt in range(3):
    start = time.perf_counter()
    value, source = forecast("oslo")
    print(f"{value!r} from the {source} in {time.perf_counter() - start:.3f} s")

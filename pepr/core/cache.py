"""The portal's cache: Redis, falling back to local memory while Redis cannot be reached.

Django's RedisCache raises on a connection error, and the cache is asked on every sign-in (the rate
limits of django-allauth and of pepr/core/adapters.py): with Redis stopped, signing in answered
500. A cache only holds what can be lost, so an outage must cost precision, never a page. While
Redis is down each process keeps its entries in its own memory: the sign-in limits then count per
process (a little looser) and start afresh when Redis is back. A local-memory fallback rather than
the database cache: it needs no table and no query, and the database is the one service a page
cannot do without. Sessions do not live in the cache (SESSION_ENGINE in pepr/settings.py).
"""
import logging
import threading
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
WARNING_INTERVAL = 60  # seconds between two warnings of one outage, so the log stays readable


class _Outage:
    """What one process knows of one Redis server; shared by the instances of every thread."""

    def __init__(self):
        self.lock = threading.Lock()
        self.since = None  # monotonic time of the first failure of the current outage
        self.retry_at = 0.0
        self.warned_at = None

    def failed(self, location, error, retry_after):
        now = time.monotonic()
        with self.lock:
            self.since = self.since or now
            self.retry_at = now + retry_after
            warn = self.warned_at is None or now - self.warned_at >= WARNING_INTERVAL
            if warn:
                self.warned_at = now
        if warn:
            logger.warning("Redis cache %s unreachable (%s: %s): using local memory until it "
                           "answers again", location, error.__class__.__name__, error)

    def answered(self, location):
        with self.lock:
            since, self.since, self.warned_at = self.since, None, None
        if since is not None:
            logger.info("Redis cache %s answers again after %.0f s", location,
                           time.monotonic() - since)


_outages = {}
_outages_lock = threading.Lock()


def _outage(location):
    with _outages_lock:
        return _outages.setdefault(location, _Outage())


def _falls_back(name):
    def method(self, *args, **kwargs):
        outage = self._outage
        # After a failure Redis is left alone for `retry_after` seconds: an unreachable host would
        # otherwise cost a connect timeout on every call of every request.
        if outage.since is None or time.monotonic() >= outage.retry_at:
            try:
                result = getattr(super(ResilientRedisCache, self), name)(*args, **kwargs)
            except UNREACHABLE as error:
                outage.failed(self._location, error, self._retry_after)
            else:
                if outage.since is not None:
                    outage.answered(self._location)
                return result
        return getattr(self._fallback, name)(*args, **kwargs)

    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"RedisCache.{name}, or the local-memory cache while Redis is unreachable."
    return method


class ResilientRedisCache(RedisCache):
    """RedisCache that never raises because Redis is unreachable (module docstring).

    OPTIONS may set RETRY_AFTER (seconds before Redis is tried again after a failure, default 5);
    the others go to redis-py, with connect and socket timeouts of 1 s unless set."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        self._retry_after = float(options.pop("RETRY_AFTER", 5))
        options.setdefault("socket_connect_timeout", 1)
        options.setdefault("socket_timeout", 1)
        super().__init__(server, {**params, "OPTIONS": options})
        self._location = server if isinstance(server, str) else ",".join(server)
        self._outage = _outage(self._location)
        # Same prefix, version and timeouts, so that keys and expiries behave alike.
        self._fallback = LocMemCache(f"pepr-fallback:{self._location}", {
            **{key: value for key, value in params.items() if key != "OPTIONS"},
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        })

    add = _falls_back("add")
    get = _falls_back("get")
    set = _falls_back("set")
    touch = _falls_back("touch")
    delete = _falls_back("delete")
    get_many = _falls_back("get_many")
    has_key = _falls_back("has_key")
    incr = _falls_back("incr")
    set_many = _falls_back("set_many")
    delete_many = _falls_back("delete_many")
    clear = _falls_back("clear")

    def ping(self):
        """Whether Redis answers now, asked directly (the readiness probe, pepr/core/health.py)."""
        try:
            return bool(self._cache.get_client(write=False).ping())
        except UNREACHABLE:
            return False

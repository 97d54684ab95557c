"""The embedded SQLite database of `make run`: the options that let it serve several people at
once, and the SQL functions that PostgreSQL has and SQLite lacks, registered on SQLite connections
so that it runs the same queries as production."""
import re

from django.db.backends.signals import connection_created

# Applied by pepr/settings.py when DATABASE_URL is SQLite. Without them three people submitting
# at once get two 500 "database is locked":
# - WAL: readers no longer wait for a writer, nor a writer for readers;
# - timeout: a writer waits up to 20 s for the one before it instead of failing at once;
# - IMMEDIATE: a transaction takes the write lock when it begins. A deferred one reads first and
#   asks for the lock at its first write; if another wrote meanwhile, SQLite refuses at once,
#   without waiting (the timeout cannot help), since its reads are out of date.
# synchronous=NORMAL is safe with WAL (a power cut may lose the last commits, never corrupt).
OPTIONS = {
    "timeout": 20,
    "transaction_mode": "IMMEDIATE",
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
}


def options(configured=None):
    """The OPTIONS of an SQLite database: the ones above, under those set in DATABASE_URL."""
    return {**OPTIONS, **(configured or {})}


def _regexp_replace(value, pattern, replacement, flags=""):
    if value is None:
        return None
    count = 0 if "g" in (flags or "") else 1
    return re.sub(pattern, replacement, value, count=count)


def register(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function("regexp_replace", 4, _regexp_replace,
                                              deterministic=True)


def connect():
    connection_created.connect(register, dispatch_uid="pepr-sqlite-functions")

"""SQL functions that PostgreSQL has and SQLite lacks, registered on SQLite connections so that
the embedded `make run` set-up runs the same queries as production."""
import re

from django.db.backends.signals import connection_created


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

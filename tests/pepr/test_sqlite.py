"""The embedded SQLite set-up of `make run` gets the SQL functions the list pages use, and
serves several writers at once (WAL, a busy timeout, immediate transactions)."""
import runpy
import sqlite3
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.db import connections, transaction
from django.db.utils import OperationalError

from pepr.core import sqlite


def test_regexp_replace_is_registered_on_sqlite_connections():
    raw = sqlite3.connect(":memory:")
    sqlite.register(sender=None, connection=SimpleNamespace(vendor="sqlite", connection=raw))
    collapse = "SELECT regexp_replace(?, '\\s+', ' ', ?)"
    assert raw.execute(collapse, ["Lab  de\t test", "g"]).fetchone() == ("Lab de test",)
    assert raw.execute(collapse, ["a  b  c", ""]).fetchone() == ("a b  c",)
    assert raw.execute(collapse, [None, "g"]).fetchone() == (None,)


# --- Several people at once on `make run`'s SQLite file ----------------------------------------

WRITERS = 3


@pytest.fixture
def sqlite_file(tmp_path, django_db_blocker):
    """Registers databases on a temporary SQLite file; each thread opens its own connection."""
    aliases = []

    def register(options):
        alias = f"make_run_{len(aliases)}"
        databases = connections.configure_settings({"default": {
            "ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "db.sqlite3"),
            "OPTIONS": options}})
        connections.settings[alias] = databases["default"]
        aliases.append(alias)
        with connections[alias].cursor() as cursor:
            cursor.execute("CREATE TABLE IF NOT EXISTS submission "
                           "(number INTEGER UNIQUE, writer INTEGER)")
        connections[alias].close()
        return alias

    with django_db_blocker.unblock():
        yield register
    for alias in aliases:
        connections[alias].close()
        del connections[alias]  # this thread's connection, kept by the handler
        del connections.settings[alias]


def _submit_at_once(alias):
    """Three threads read the last number, think, then write the next one, as a submission
    reads its stage before it numbers the application. The errors they met."""
    start, errors = threading.Barrier(WRITERS), []

    def submit(writer):
        try:
            start.wait()
            with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
                cursor.execute("SELECT COALESCE(MAX(number), 0) FROM submission")
                last = cursor.fetchone()[0]
                time.sleep(0.3)
                cursor.execute("INSERT INTO submission (number, writer) VALUES (%s, %s)",
                               [last + 1, writer])
        except OperationalError as error:
            errors.append(str(error))
        finally:
            connections[alias].close()

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def test_three_simultaneous_writers_all_succeed_with_make_runs_options(sqlite_file):
    alias = sqlite_file(sqlite.options())
    assert _submit_at_once(alias) == []
    with connections[alias].cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone() == ("wal",)
        cursor.execute("SELECT number FROM submission ORDER BY number")
        assert cursor.fetchall() == [(1,), (2,), (3,)]  # one after the other, none lost


def test_without_immediate_transactions_they_fail_as_on_make_run_before(sqlite_file):
    # The reason for "transaction_mode": a busy timeout alone does not help writers that read
    # first, so this is what the first test guards against.
    deferred = {key: value for key, value in sqlite.options().items()
                if key != "transaction_mode"}
    errors = _submit_at_once(sqlite_file(deferred))
    assert errors and all("database is locked" in error for error in errors)


def _settings_for(monkeypatch, database_url):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("DJANGO_SECRET_KEY", "probe")
    return runpy.run_path(str(Path(sqlite.__file__).parents[1] / "settings.py"))["DATABASES"]


def test_only_an_sqlite_database_gets_these_options(monkeypatch, tmp_path):
    embedded = _settings_for(monkeypatch, f"sqlite:///{tmp_path / 'db.sqlite3'}")["default"]
    assert embedded["OPTIONS"] == {
        "timeout": 20, "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL"}
    production = _settings_for(monkeypatch, "postgres://pepr@db:5432/pepr")["default"]
    assert production["OPTIONS"] == {"options": "-c jit=off"}

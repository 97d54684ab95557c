"""The embedded SQLite set-up of `make run` gets the SQL functions the list pages use."""
import sqlite3
from types import SimpleNamespace

from pepr.core import sqlite


def test_regexp_replace_is_registered_on_sqlite_connections():
    raw = sqlite3.connect(":memory:")
    sqlite.register(sender=None, connection=SimpleNamespace(vendor="sqlite", connection=raw))
    collapse = "SELECT regexp_replace(?, '\\s+', ' ', ?)"
    assert raw.execute(collapse, ["Lab  de\t test", "g"]).fetchone() == ("Lab de test",)
    assert raw.execute(collapse, ["a  b  c", ""]).fetchone() == ("a b  c",)
    assert raw.execute(collapse, [None, "g"]).fetchone() == (None,)

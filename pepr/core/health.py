"""Probes of the services the portal needs, for /readyz and the compose healthchecks."""
from django.conf import settings
from django.db import connection
from kombu import Connection


def database_state():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any driver error means "not ready"; the message says which
        return {"ok": False, "error": error.__class__.__name__}
    return {"ok": True, "vendor": connection.vendor}


def broker_state():
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"ok": True, "mode": "in-process"}
    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as error:  # kombu raises several families of errors; all mean "down"
        return {"ok": False, "error": error.__class__.__name__}
    return {"ok": True, "mode": "broker"}

"""Probes of the services the portal needs, for /readyz and the compose healthchecks.

Ready means the database answers: without it no page can be served, so the load balancer must
stop sending traffic. Redis, the broker and the cache, only degrades the portal: pages and
sign-in keep working (the cache falls back to local memory, pepr/core/cache.py) and the work
waiting for the broker is handed again once it is back. A Redis outage is therefore "degraded"
with a 200, never a reason to take the portal out of the load balancer.
"""
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.db.models import Count
from kombu import Connection

from pepr.core.models import EmailStatus, OutboundEmail


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


def cache_state():
    ping = getattr(caches["default"], "ping", None)  # pepr.core.cache.ResilientRedisCache
    if ping is None:
        return {"ok": True, "mode": "in-process"}
    if ping():
        return {"ok": True, "mode": "redis"}
    return {"ok": False, "mode": "local-memory fallback"}


def details():
    """Figures for the operator that never decide readiness nor degradation (add yours here).

    Asked only when the database answers, so each figure may query it."""
    return {"outbox": outbox_problems()}


def outbox_problems():
    """E-mails failed (to be tried again) and given up (waiting for staff to resend them, admin ›
    Outgoing e-mails): informational, never a reason to be unready."""
    counts = dict(OutboundEmail.objects.filter(status__in=[EmailStatus.FAILED, EmailStatus.DEAD])
                  .values_list("status").annotate(count=Count("pk")).order_by())
    return {"failed": counts.get(EmailStatus.FAILED, 0), "dead": counts.get(EmailStatus.DEAD, 0)}


def readiness():
    """(HTTP status, report) of /readyz: 503 only without the database (module docstring)."""
    database = database_state()
    services = {"database": database, "broker": broker_state(), "cache": cache_state()}
    if not database["ok"]:
        status = "down"
    elif all(state["ok"] for state in services.values()):
        status = "ok"
    else:
        status = "degraded"
    report = {"ready": database["ok"], "status": status, **services}
    if database["ok"]:
        report["details"] = details()
    return (200 if database["ok"] else 503), report

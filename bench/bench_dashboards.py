"""The three dashboards and the project pages on the demo seed (6,500 applications in bench/run.py): seconds per request
and SQL queries, through Django's test client, for a pilot and for a CCS member.

`run(results)` works in the current database and appends (label, median seconds, SQL queries)
per page. Run alone on an already seeded database with
`DATABASE_URL=... python bench/bench_dashboards.py`.
"""
import os
import statistics
import sys
import time
from pathlib import Path

PILOT = "pilot@demo.pepr-bbti.fr"
CCS_MEMBER = "ccs@demo.pepr-bbti.fr"
REPEAT = int(os.environ.get("BENCH_DASHBOARD_RUNS", "10"))


def _pages():
    from django.db.models import Count

    from calls.setup.models import Call
    from pepr.core.models import Axis
    from projects.models import Project

    call = (Call.objects.filter(is_demo=True).annotate(n=Count("stages__applications"))
            .order_by("-n", "pk").first())
    if call is None:
        raise RuntimeError("No demo call: run `manage.py seed_demo --applications 6500` first.")
    stage = call.stages.order_by("number").first()
    axis = Axis.objects.order_by("number").first()
    project = (Project.objects.filter(origin="priority", is_demo=True)
               .annotate(n=Count("deliverables")).order_by("-n", "pk").first())
    return [
        ("programme", "/dashboards/", PILOT),
        ("call, every stage", f"/dashboards/calls/?call={call.pk}", PILOT),
        ("call, one stage and axis",
         f"/dashboards/calls/?call={call.pk}&stage={stage.pk}&axis={axis.pk}", PILOT),
        ("call, CCS member", f"/dashboards/calls/?call={call.pk}", CCS_MEMBER),
        ("projects", "/dashboards/projects/", PILOT),
        # The project pages that the pilots and ANR read next to the dashboards.
        ("project list", "/projects/", PILOT),
        ("project list, late items of axis 1", "/projects/?axis=1&late=on", PILOT),
        ("one priority project", f"/projects/{project.pk}/", PILOT),
    ]


def run(results, repeat=REPEAT):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from pepr.core.models import User

    clients = {}
    for label, url, email in _pages():
        client = clients.get(email)
        if client is None:
            client = clients[email] = Client()
            client.force_login(User.objects.get(email=email))
        assert client.get(url).status_code == 200, url  # warm-up
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        queries = len(captured)  # read now: the log is cleared by the next request
        samples = []
        for _ in range(repeat):
            started = time.perf_counter()
            client.get(url)
            samples.append(time.perf_counter() - started)
        results.append((f"Dashboard {label}: GET {url}", statistics.median(samples), f"{queries} SQL queries"))
    return results


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    for label, seconds, queries in run([]):
        print(f"{seconds * 1000:8.1f} ms  {queries:3d} queries  {label}")

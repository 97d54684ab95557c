"""`make bench`: builds the 6,500-application demo (ANR generic-call scale) in its own database and
measures the pages that must not slow down with it. Writes bench/results.md."""
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
base_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pepr")
os.environ["DATABASE_URL"] = base_url.rsplit("/", 1)[0] + "/pepr_bench"
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"

import django  # noqa: E402
import psycopg  # noqa: E402

APPLICATIONS = int(os.environ.get("BENCH_APPLICATIONS", "6500"))
REVIEWERS = int(os.environ.get("BENCH_REVIEWERS", "400"))


def recreate_database():
    admin_url = base_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS pepr_bench")
        conn.execute("CREATE DATABASE pepr_bench")


def timed(label, func, results, repeat=1):
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        samples.append(time.perf_counter() - started)
    results.append((label, statistics.median(samples), repeat))


def _consume(response):
    if response.streaming:
        for _chunk in response.streaming_content:
            pass
    return response


def main():
    recreate_database()
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from pepr.core.models import User

    call_command("migrate", verbosity=0)
    results, extra = [], []
    timed(f"seed_demo --applications {APPLICATIONS} --reviewers {REVIEWERS}",
          lambda: call_command("seed_demo", applications=APPLICATIONS, reviewers=REVIEWERS,
                               verbosity=0), results)
    client = Client()
    from calls.setup.models import Stage

    letters = Stage.objects.get(call__code="demo-ami-2024", number=1).pk
    pages = [("/", None), ("/calls/", None), ("/calls/demo-aap-2025/", None),
             ("/calls/applications/mine/", "applicant@demo.pepr-bbti.fr"),
             (f"/evaluation/stages/{letters}/assignments/", "pilot@demo.pepr-bbti.fr"),
             (f"/evaluation/stages/{letters}/progress/", "pilot@demo.pepr-bbti.fr"),
             ("/evaluation/audit/", "pilot@demo.pepr-bbti.fr"),
             ("/committees/sessions/", "pilot@demo.pepr-bbti.fr"),
             ("/exports/applications.csv", "pilot@demo.pepr-bbti.fr"),
             ("/api/applications/", "pilot@demo.pepr-bbti.fr")]
    queries = {}
    for url, email in pages:
        if email:
            client.force_login(User.objects.get(email=email))
        client.get(url)  # warm-up
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200, url
        queries[url] = len(captured)
        # Consuming a streamed export is part of its cost.
        timed(f"GET {url}", lambda url=url: _consume(client.get(url)), results, repeat=5)
    for module in ("bench_dashboards", "bench_reports", "bench_reminders"):
        # Each adds (label, seconds[, extra]) rows for its feature on the same 6,500 seed.
        __import__(f"bench.{module}", fromlist=["run"]).run(extra)
    lines = ["# Benchmark results", "",
             f"Machine: {os.cpu_count()} cores; database PostgreSQL; "
             f"{APPLICATIONS} applications, {REVIEWERS} reviewers.", "",
             "| What | Median (s) | Runs | SQL queries |", "|---|---|---|---|"]
    for label, seconds, repeat in results:
        url = label.removeprefix("GET ")
        lines.append(f"| {label} | {seconds:.3f} | {repeat} | {queries.get(url, '')} |")
    lines += ["", "| Feature measure | Seconds | Detail |", "|---|---|---|"]
    for label, seconds, *detail in extra:
        lines.append(f"| {label} | {seconds:.3f} | {' '.join(str(d) for d in detail)} |")
    output = ROOT / "bench" / "results.md"
    output.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

"""Benchmark of the background PDF reports: the call report of the demo call that has the most
applications (the 6,500-application seed of bench/run.py), built as the Celery task builds it.

`run(results)` appends (label, seconds, peak MB): the seconds of a normal build, and the peak of
Python memory measured by tracemalloc during a second, traced build (tracemalloc slows the
allocation-heavy PDF writing several times over, so the traced build is not the one timed).
"""
import time
import tracemalloc

LANGUAGE = "fr"


def _fresh_report(call):
    from django.contrib.contenttypes.models import ContentType

    from pepr.reports.models import Report, ReportKind

    target_type = ContentType.objects.get_for_model(type(call))
    for old in Report.objects.filter(kind=ReportKind.CALL, target_type=target_type,
                                     target_id=call.pk, language=LANGUAGE):
        old.file.delete(save=False)
        old.delete()
    return Report.objects.create(kind=ReportKind.CALL, target_type=target_type,
                                 target_id=call.pk, language=LANGUAGE)


def _build(call):
    from pepr.reports import services as reports

    report = _fresh_report(call)
    started = time.perf_counter()
    built = reports.build_report(report.pk)
    return built, time.perf_counter() - started


def run(results, *, trace_memory=True):
    from django.db.models import Count

    from calls.setup.models import Call
    from pepr.reports.models import ReportStatus

    call = (Call.objects.filter(is_demo=True).annotate(n=Count("stages__applications"))
            .order_by("-n", "pk").first())
    if call is None:
        raise RuntimeError("No demo call: run `manage.py seed_demo --applications 6500` first.")
    report, seconds = _build(call)
    assert report.status == ReportStatus.READY, report.error
    from pypdf import PdfReader

    with report.file.open("rb") as handle:
        pages = len(PdfReader(handle).pages)
    peak_mb = None
    if trace_memory:
        tracemalloc.start()
        try:
            _build(call)
            peak_mb = tracemalloc.get_traced_memory()[1] / 1024 / 1024
        finally:
            tracemalloc.stop()
    results.append((f"call report PDF of {call.code}: {call.n} applications, {pages} pages",
                    seconds, f"peak Python memory {peak_mb:.0f} MB" if peak_mb else ""))
    return results


if __name__ == "__main__":
    # Against the database of DATABASE_URL, e.g. the private seed:
    # DJANGO_DEBUG=1 DATABASE_URL=postgres://…/pepr_rep .venv/bin/python bench/bench_reports.py
    import os
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pepr.settings")
    import django

    django.setup()
    for label, seconds, peak in run([]):
        print(f"{label}: {seconds:.1f} s, peak {peak:.0f} MB (tracemalloc)")

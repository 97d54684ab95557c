"""Background PDF reports: who may read them, the one request that (re)queues a build, and the
idempotent build the Celery task runs.

A report is one row per (kind, target, language). Its fingerprint is the hash of a small summary
of the data it shows (counts, latest ids and timestamps: see report_sources), so asking again for
an unchanged report returns the file already built, and any change makes the next request rebuild.
"""
import hashlib
import io
import json
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.text import slugify

from calls.applications.models import Application
from calls.evaluation.conflicts import conflicted_with
from pepr.core import enqueue
from pepr.core.models import Language
from pepr.core.pdf import render_pdf
from pepr.reports.models import Report, ReportKind, ReportStatus
from pepr.reports.sources import source_of

# Part of every fingerprint: bump it when a template changes what a report shows, so that the
# next request rebuilds reports built with the older layout.
LAYOUT_VERSION = 1
# A report still pending after this long is queued again on the next request (a lost message,
# a broker that was down at commit time) and its page offers to try again.
STALE_AFTER = timedelta(minutes=10)


def language_of(code):
    code = (code or "").split("-")[0].lower()
    return code if code in Language.values else Language.FR


def fingerprint(kind, target):
    summary = {"layout": LAYOUT_VERSION, "kind": kind, "target": target.pk,
               "data": source_of(kind).summary(target)}
    encoded = json.dumps(summary, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(encoded.encode()).hexdigest()


def target_of(report):
    """The object a report is about, loaded with what its template needs, or None if gone."""
    return source_of(report.kind).load(report.target_id)


# The reports that name applications, with the applications each names: a reader gets a
# version without those they have a conflict of interest with (the call report leaves them out of
# its ranking; the minutes keep their items' places, marked withheld).
NAMED_APPLICATIONS = {
    ReportKind.CALL: lambda call: Application.objects.filter(stage__call=call),
    ReportKind.MINUTES: lambda session: Application.objects.filter(agenda_items__session=session),
}


def audience_of(user, kind, target):
    """(audience, excluded ids) of the version of a call report or minutes `user` may read:
    without the applications they have a conflict of interest with."""
    if kind not in NAMED_APPLICATIONS:
        return "", []
    excluded = sorted(NAMED_APPLICATIONS[kind](target)
                      .filter(conflicted_with(user)).values_list("pk", flat=True))
    if not excluded:
        return "", []
    return hashlib.sha256(json.dumps(excluded).encode()).hexdigest(), excluded


def can_read(user, report_or_kind_target):
    """Whether `user` may request, follow and download the report: a Report, or (kind, target)."""
    if not user.is_authenticated:
        return False
    if isinstance(report_or_kind_target, Report):
        kind, target = report_or_kind_target.kind, target_of(report_or_kind_target)
        if target is not None and \
                audience_of(user, kind, target)[0] != report_or_kind_target.audience:
            return False  # another reader's version of a call report
    else:
        kind, target = report_or_kind_target
    if target is None:
        return False
    if kind == ReportKind.DOSSIER:
        return user.has_perm("calls.view_application", target) and \
            user.has_perm("calls.see_identity", target)
    if kind == ReportKind.CALL:
        return user.has_perm("pepr.view_dashboard") or user.has_perm("calls.manage_evaluation")
    if kind == ReportKind.MINUTES:
        return user.has_perm("governance.view_session", target)
    if kind == ReportKind.PROJECT:
        return user.has_perm("projects.view_project", target)
    if kind == ReportKind.PROJECT_REPORT:
        return user.has_perm("projects.view_report_content", target)
    return False


def has_file(report):
    return bool(report.file) and report.file.storage.exists(report.file.name)


def lease():
    return timedelta(seconds=settings.REPORT_LEASE_SECONDS)


def is_stale(report, now=None):
    """Whether a build is lost: queued for too long (a message that never reached a worker), or
    taken by a worker whose lease expired (a worker that died while building)."""
    now = now or timezone.now()
    if report.status == ReportStatus.PENDING:
        return report.requested_at < now - STALE_AFTER
    return (report.status == ReportStatus.BUILDING
            and (report.lease_until is None or report.lease_until < now))


# The lost builds, as a query (see is_stale).
def _stale_q(now):
    return (Q(status=ReportStatus.PENDING, requested_at__lt=now - STALE_AFTER)
            | Q(status=ReportStatus.BUILDING, lease_until__lt=now)
            | Q(status=ReportStatus.BUILDING, lease_until__isnull=True))


def request_report(kind, target, *, language, by):
    """Return the report of `target` in `language`; queue a build unless the file already
    built is current or an identical build is already queued. The caller checked `can_read`."""
    source = source_of(kind)
    language = language_of(language)
    current = fingerprint(kind, target)  # read before the lock: the lock is held for ms only
    audience, excluded = audience_of(by, kind, target)
    content_type = ContentType.objects.get_for_model(source.model)
    with transaction.atomic():
        report, created = Report.objects.select_for_update().get_or_create(
            kind=kind, target_type=content_type, target_id=target.pk, language=language,
            audience=audience,
            defaults={"requested_by": by, "fingerprint": current, "excluded_ids": excluded})
        unchanged = report.fingerprint == current
        if not created and unchanged and report.status == ReportStatus.READY \
                and has_file(report):
            return report
        if not created and unchanged and report.is_pending and not is_stale(report):
            # A double click, or a build under way: the build queued by the first request is
            # enough.
            return report
        # A lost build (see is_stale) is restarted; the page says so.
        restarted = not created and unchanged and is_stale(report)
        report.restarted_at = timezone.now() if restarted else None
        report.status, report.fingerprint, report.error = ReportStatus.PENDING, current, ""
        report.requested_by, report.lease_until, report.attempts = by, None, 0
        report.save(update_fields=["status", "fingerprint", "error", "requested_by",
                                   "requested_at", "restarted_at", "lease_until", "attempts"])
        report_id = report.pk
        # Robust: a broker that is down must not turn the committed request into an error page;
        # the report stays pending and the sweep (or the next request) queues it again after
        # STALE_AFTER.
        enqueue.after_commit("pepr.build_report", report_id, robust=True)
    return report


def render(kind, target, *, language, excluded_ids=()):
    """The PDF bytes of a report, in `language`, with the uploaded PDFs of a dossier (or the
    scientific report of a project report) appended;
    `excluded_ids` are applications a call report or minutes withhold (its reader's
    conflicts)."""
    source = source_of(kind)
    with translation.override(language):
        context = (source.context(target, excluded_ids) if kind in NAMED_APPLICATIONS
                   else source.context(target))
        context["generated_at"] = timezone.now()
        pdf = render_pdf(source.template, context, language=language)
        attachments = source.attachments(target) if source.attachments else []
    if not attachments:
        return pdf
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.append(io.BytesIO(pdf))
    for title, stored in attachments:
        with stored.open("rb") as handle:
            writer.append(io.BytesIO(handle.read()), outline_item=title)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def _slug(kind, target):
    return slugify(source_of(kind).name(target)) or "report"


def download_name(report, target):
    """The name offered to the browser, e.g. `ami-2024-1-00012-dossier-en.pdf`."""
    return f"{_slug(report.kind, target)}-{report.kind}-{report.language}.pdf"


def build_report(report_id):
    """Build the PDF of a report. Idempotent: a report already built from the current data is
    left alone, so a redelivered or doubled task does nothing. On error the report is marked
    failed and the error re-raised, for Celery to retry what may be transient."""
    report = Report.objects.filter(pk=report_id).first()
    if report is None:
        return None
    target = target_of(report)
    if target is None:
        return _fail(report_id, None, "The object of this report no longer exists.")
    current = fingerprint(report.kind, target)  # before reading the data the PDF shows
    if report.status == ReportStatus.READY and report.fingerprint == current and has_file(report):
        return report
    if not _claim(report_id, current):
        return None  # built meanwhile by another run
    try:
        pdf = render(report.kind, target, language=report.language,
                     excluded_ids=report.excluded_ids)
        # The file is written before the row changes: a crash between the two leaves an
        # orphan file, never a ready row without its file.
        # Stored as reports/<kind>/<target>/<language>-<name> (pepr.models.report_path).
        report.file.save(f"{_slug(report.kind, target)}.pdf", ContentFile(pdf), save=False)
    except Exception as error:
        _fail(report_id, current, f"{type(error).__name__}: {error}")
        raise
    new_name = report.file.name
    storage = report.file.storage
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report_id)
        if locked.status == ReportStatus.READY and locked.fingerprint == current \
                and has_file(locked):
            # Another run built the same data meanwhile: keep its file, drop ours.
            transaction.on_commit(lambda: storage.delete(new_name))
            return locked
        old_name = locked.file.name
        locked.file.name = new_name
        locked.fingerprint, locked.status, locked.error = current, ReportStatus.READY, ""
        locked.built_at, locked.lease_until = timezone.now(), None
        locked.save(update_fields=["file", "fingerprint", "status", "error", "built_at",
                                   "lease_until"])
        if old_name and old_name != new_name:
            transaction.on_commit(lambda: storage.delete(old_name))
    return locked


def _fail(report_id, current, message):
    with transaction.atomic():
        locked = Report.objects.select_for_update().filter(pk=report_id).first()
        if locked is None:
            return None
        if locked.status == ReportStatus.READY and current and locked.fingerprint == current:
            return locked  # another run succeeded with the same data
        locked.status, locked.error = ReportStatus.FAILED, message[:2000]
        locked.lease_until = None
        locked.save(update_fields=["status", "error", "lease_until"])
    return locked


def _claim(report_id, current):
    """Take the build (state "building", a lease, committed before rendering), so that a worker
    that dies while rendering leaves a row the sweep recognises. Not taken when another run built
    the same data meanwhile; taken again by a redelivered, retried or restarted task (the build
    is idempotent, and a duplicate run at worst renders twice)."""
    with transaction.atomic():
        locked = Report.objects.select_for_update().filter(pk=report_id).first()
        if locked is None:
            return False
        if locked.status == ReportStatus.READY and locked.fingerprint == current \
                and has_file(locked):
            return False
        locked.status, locked.lease_until = ReportStatus.BUILDING, timezone.now() + lease()
        locked.attempts += 1
        locked.save(update_fields=["status", "lease_until", "attempts"])
    return True


def restart_lost_builds(now=None):
    """The sweep: queue again every lost build (see is_stale); give up on one whose builds were
    interrupted REPORT_MAX_ATTEMPTS times (a report that kills its worker), so that its page
    offers to try again instead of waiting forever. Returns the ids queued again."""
    now = now or timezone.now()
    queued = []
    for report_id in Report.objects.filter(_stale_q(now)).values_list("pk", flat=True):
        with transaction.atomic():
            report = Report.objects.select_for_update(skip_locked=True).filter(
                _stale_q(now), pk=report_id).first()
            if report is None:
                continue  # settled or taken meanwhile
            if report.attempts >= settings.REPORT_MAX_ATTEMPTS:
                report.status, report.lease_until = ReportStatus.FAILED, None
                report.error = f"Interrupted {report.attempts} times (worker lost or killed)."
                report.save(update_fields=["status", "lease_until", "error"])
                continue
            report.status, report.lease_until, report.restarted_at = (
                ReportStatus.PENDING, None, now)
            report.save(update_fields=["status", "lease_until", "restarted_at", "requested_at"])
            enqueue.after_commit("pepr.build_report", report.pk, robust=True)
        queued.append(report_id)
    return queued


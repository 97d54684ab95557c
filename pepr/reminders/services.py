"""Deadline reminders: who must be reminded of what, each offset claimed once, queued in the outbox.

Six kinds, each with offsets from settings.REMINDER_OFFSETS (e.g. 7d, 2d, 6h before the deadline):
a draft application before its stage closes (only to coordinators who asked for optional
reminders), an unsubmitted review before the stage's review date, a present, non-recused member's
missing vote before the ballot closes, an unsubmitted project report before it is due, and a
project's milestone or deliverable still planned before its due date. The project kinds go to
the project's coordinator and to the co-editors who accepted their invitation; milestones and
deliverables use the reports' offsets unless settings give them their own.

Exactly once: a `Reminder` row (unique on kind, recipient, target, offset) is inserted with
INSERT … ON CONFLICT DO NOTHING RETURNING, and the e-mail is put in the outbox in the same
transaction, only for the rows that this transaction inserted. A second scan, a doubled beat tick
or a redelivered task finds the rows taken and queues nothing; a crash before commit leaves neither
the claim nor the e-mail, so the next scan sends it. The outbox then delivers each row once.

A moved deadline: the unique constraint does not include the deadline, so an offset that was
claimed for the old deadline is not claimed again for the new one. When a deadline is extended
after the 7d reminder went out, the 2d reminder still goes out 2 days before the new deadline (it
was not claimed yet), but the 7d one is not sent a second time; the claimed row keeps the deadline
it was sent for. Re-reminding every offset after an extension would need the deadline in the unique
constraint (a model change), not a longer offset label.
"""
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from itertools import islice
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from calls.applications.models import Application, ApplicationStatus
from calls.evaluation.models import Assignment, Review, ReviewStatus
from governance.models import AgendaItem, Attendance, BallotStatus, Recusal, Vote
from pepr.core.models import OutboundEmail, User
from pepr.core.outbox import queue_email
from pepr.core.paris import PARIS
from pepr.reminders.models import Reminder, ReminderKind
from projects.models import Deliverable, DeliverableKind, DeliverableStatus, ProjectReport
from projects.reports.workflow import OWED_REPORT_STATUSES

BATCH_SIZE = 500

_OFFSET = re.compile(r"^(\d{1,4})([dh])$")
_UNITS = {"d": "days", "h": "hours"}


def parse_offset(label):
    match = _OFFSET.match(label)
    if not match:
        raise ImproperlyConfigured(f"Reminder offset {label!r}: expected e.g. 7d or 6h.")
    return timedelta(**{_UNITS[match[2]]: int(match[1])})


# A project's milestones and deliverables are owed to the programme like its reports: the same
# lead times, unless settings.REMINDER_OFFSETS names the kind.
_OFFSETS_LIKE = {ReminderKind.MILESTONE_DUE: ReminderKind.REPORT_DUE,
                 ReminderKind.DELIVERABLE_DUE: ReminderKind.REPORT_DUE}


def offsets(kind):
    """The (label, timedelta) offsets of a kind, loosest first."""
    configured = settings.REMINDER_OFFSETS
    labels = configured.get(kind, configured.get(_OFFSETS_LIKE.get(kind), []))
    labels = [label.strip() for label in labels]
    return sorted(((label, parse_offset(label)) for label in labels if label),
                  key=lambda step: step[1], reverse=True)


@dataclass(frozen=True)
class Candidate:
    kind: str
    recipient: User
    target: models.Model
    offset: str
    deadline: datetime
    # False when a tighter offset is due too (the object or the ballot appeared late): the row is
    # claimed so that this looser reminder never goes out afterwards, but no e-mail is sent.
    send: bool


@dataclass(frozen=True)
class _Source:
    kind: str
    model: type
    # Querysets of the model annotated with reminder_recipient, reminder_target and
    # reminder_deadline (in that order), holding every row that should be reminded if its
    # deadline is near: one queryset per way of being a recipient, read as one UNION.
    rows: Callable[[], list]
    # ids -> {id: target}, with what the e-mail shows.
    load: Callable[[set], dict]
    link: Callable[[Any], str]
    # The deadline is a date (a milestone's due date), not a moment: it passes at midnight after
    # it in Paris, when Deliverable.is_late turns true.
    dated: bool = False


def _draft_rows():
    return (Application.objects
            .filter(status=ApplicationStatus.DRAFT, coordinator__is_active=True,
                    coordinator__optional_reminders=True)
            .annotate(reminder_recipient=F("coordinator_id"), reminder_target=F("pk"),
                      reminder_deadline=F("stage__closes_at")))


def _review_rows():
    # Only files under evaluation: a withdrawn or already decided application needs no review.
    submitted = Review.objects.filter(assignment=OuterRef("pk"), status=ReviewStatus.SUBMITTED)
    return (Assignment.objects
            .filter(application__status=ApplicationStatus.SUBMITTED, reviewer__is_active=True)
            .exclude(Exists(submitted))
            .annotate(reminder_recipient=F("reviewer_id"), reminder_target=F("pk"),
                      reminder_deadline=F("application__stage__review_due_at")))


def _ballot_rows():
    # One row per (present member, item of the session); every F() below reuses the same join.
    recused = Recusal.objects.filter(item_id=OuterRef("reminder_target"),
                                     member_id=OuterRef("member_id"))
    voted = Vote.objects.filter(item_id=OuterRef("reminder_target"),
                                voter_id=OuterRef("member_id"))
    return (Attendance.objects
            .filter(present=True, member__is_active=True)
            .annotate(reminder_recipient=F("member_id"), reminder_target=F("session__items__id"),
                      reminder_deadline=F("session__items__closes_at"),
                      reminder_ballot=F("session__items__ballot_status"))
            .filter(reminder_ballot=BallotStatus.OPEN)
            .exclude(Exists(recused)).exclude(Exists(voted)))


def _project_people(queryset, deadline):
    """The rows of `queryset` (objects of a project) once for the project's active coordinator
    and once for each active co-editor who accepted the invitation. The UNION of the branches
    drops the duplicate of a coordinator who is a co-editor too."""
    coordinator = (queryset.filter(project__coordinator__is_active=True)
                   .annotate(reminder_recipient=F("project__coordinator_id"),
                             reminder_target=F("pk"), reminder_deadline=F(deadline)))
    # Filtered on annotations, not with filter(project__editors__…): a filter across the
    # relation would join the editors again, pairing one editor's user with another's acceptance.
    co_editors = (queryset
                  .annotate(reminder_recipient=F("project__editors__user_id"),
                            reminder_target=F("pk"), reminder_deadline=F(deadline),
                            reminder_accepted=F("project__editors__accepted_at"),
                            reminder_active=F("project__editors__user__is_active"))
                  .filter(reminder_accepted__isnull=False, reminder_active=True))
    return [coordinator, co_editors]


def _report_rows():
    return _project_people(ProjectReport.objects.filter(status__in=OWED_REPORT_STATUSES),
                           "due_at")


def _deliverable_rows(kind):
    return lambda: _project_people(
        Deliverable.objects.filter(kind=kind, status=DeliverableStatus.PLANNED), "due_date")


def _load_deliverables(ids):
    return Deliverable.objects.select_related("project", "work_package").in_bulk(ids)


def _project_page(deliverable):
    return _site(reverse("projects:detail", args=[deliverable.project_id]))


def _site(path):
    return settings.SITE_URL.rstrip("/") + path


SOURCES = [
    _Source(ReminderKind.DRAFT_DEADLINE, Application, lambda: [_draft_rows()],
            lambda ids: Application.objects.select_related("stage__call").in_bulk(ids),
            lambda application: _site(reverse("calls:application", args=[application.pk]))),
    # Reviewers and committee members land on their home page, which lists what they owe until
    # the evaluation and committee pages have URLs of their own.
    _Source(ReminderKind.REVIEW_DUE, Assignment, lambda: [_review_rows()],
            lambda ids: Assignment.objects.select_related("application__stage__call")
            .in_bulk(ids),
            lambda assignment: _site(reverse("home"))),
    _Source(ReminderKind.BALLOT_CLOSING, AgendaItem, lambda: [_ballot_rows()],
            lambda ids: AgendaItem.objects.select_related("application", "session__committee")
            .in_bulk(ids),
            lambda item: _site(reverse("home"))),
    _Source(ReminderKind.REPORT_DUE, ProjectReport, _report_rows,
            lambda ids: ProjectReport.objects.select_related("project__axis").in_bulk(ids),
            lambda report: _site(reverse("projects:report", args=[report.pk]))),
    _Source(ReminderKind.MILESTONE_DUE, Deliverable, _deliverable_rows(DeliverableKind.MILESTONE),
            _load_deliverables, _project_page, dated=True),
    _Source(ReminderKind.DELIVERABLE_DUE, Deliverable,
            _deliverable_rows(DeliverableKind.DELIVERABLE), _load_deliverables, _project_page,
            dated=True),
]
_BY_KIND = {source.kind: source for source in SOURCES}


def due_reminders(now):
    """Every reminder due at `now` and not claimed yet, in a fixed order (kind, recipient,
    target, loosest offset first) so that concurrent scans take their row locks in the same order.

    Three queries per kind whatever the number of reminders: the due rows (the claimed offsets
    are excluded in SQL), their recipients, their targets.
    """
    for source in SOURCES:
        yield from _due_of(source, now)


def _passed_by(source, moment):
    """Q: the deadline has passed at `moment`. A date passes at midnight after it in Paris."""
    if source.dated:
        return Q(reminder_deadline__lt=timezone.localdate(moment, PARIS))
    return Q(reminder_deadline__lte=moment)


def _open_at(source, moment):
    """Q: the deadline is still ahead at `moment` (the negation of `_passed_by`)."""
    if source.dated:
        return Q(reminder_deadline__gte=timezone.localdate(moment, PARIS))
    return Q(reminder_deadline__gt=moment)


def _moment(source, deadline):
    """The deadline as a moment: a date's is midnight after it in Paris (stored on the claim)."""
    if not source.dated:
        return deadline
    return datetime.combine(deadline + timedelta(days=1), time(0), tzinfo=PARIS)


def _due_rows(source, now, steps, target_type):
    """One query: (recipient, target, deadline, claimed at each offset…) of every due row."""
    flags = [f"reminder_claimed_{index}" for index in range(len(steps))]
    due_and_free = Q()
    for flag, (_label, delta) in zip(flags, steps):
        due_and_free |= _passed_by(source, now + delta) & Q(**{flag: False})
    branches = []
    for rows in source.rows():
        rows = rows.filter(_open_at(source, now) & _passed_by(source, now + steps[0][1]))
        for flag, (label, _delta) in zip(flags, steps):
            rows = rows.annotate(**{flag: Exists(Reminder.objects.filter(
                kind=source.kind, target_type=target_type, offset=label,
                recipient_id=OuterRef("reminder_recipient"),
                target_id=OuterRef("reminder_target")))})
        branches.append(rows.filter(due_and_free).order_by().values_list(
            "reminder_recipient", "reminder_target", "reminder_deadline", *flags))
    rows = branches[0].union(*branches[1:]) if len(branches) > 1 else branches[0]
    return list(rows.order_by("reminder_recipient", "reminder_target"))


def _due_of(source, now):
    steps = offsets(source.kind)
    if not steps:
        return
    target_type = ContentType.objects.get_for_model(source.model)
    rows = _due_rows(source, now, steps, target_type)
    if not rows:
        return
    recipients = User.objects.in_bulk({row[0] for row in rows})
    targets = source.load({row[1] for row in rows})
    for recipient_id, target_id, deadline, *claimed in rows:
        recipient, target = recipients.get(recipient_id), targets.get(target_id)
        if recipient is None or target is None:  # deleted since the first query
            continue
        deadline = _moment(source, deadline)
        due = [(label, taken) for (label, delta), taken in zip(steps, claimed)
               if deadline <= now + delta]
        if not due:
            continue
        # The tightest due offset is the one to send, whether or not it is already claimed: once
        # the 2d reminder went out, an unclaimed 7d one must not follow it.
        tightest = due[-1][0]
        for label, taken in due:
            if not taken:
                yield Candidate(source.kind, recipient, target, label, deadline,
                                send=label == tightest)


def _claim(batch):
    """Insert the rows of `batch`; return {key: pk} of those this transaction inserted.

    A row inserted by a concurrent transaction makes ours wait for its commit, then do nothing:
    each row is returned to exactly one claimant.
    """
    meta = Reminder._meta
    quote = connection.ops.quote_name
    columns = [meta.get_field(name).column for name in (
        "kind", "recipient", "target_type", "target_id", "offset", "deadline", "claimed_at")]
    unique = [meta.get_field(name).column for name in (
        "kind", "recipient", "target_type", "target_id", "offset")]
    claimed_at = connection.ops.adapt_datetimefield_value(timezone.now())
    params = []
    for candidate in batch:
        params += [candidate.kind, candidate.recipient.pk, _type_id(candidate.kind),
                   candidate.target.pk, candidate.offset,
                   connection.ops.adapt_datetimefield_value(candidate.deadline), claimed_at]
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"
    sql = (f"INSERT INTO {quote(meta.db_table)} ({', '.join(map(quote, columns))}) "
           f"VALUES {', '.join([row] * len(batch))} "
           f"ON CONFLICT ({', '.join(map(quote, unique))}) DO NOTHING "
           f"RETURNING {quote(meta.pk.column)}, {', '.join(map(quote, unique))}")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {tuple(found[1:]): found[0] for found in cursor.fetchall()}


def _type_id(kind):
    return ContentType.objects.get_for_model(_BY_KIND[kind].model).pk


def _key(candidate):
    return (candidate.kind, candidate.recipient.pk, _type_id(candidate.kind),
            candidate.target.pk, candidate.offset)


def render(candidate):
    """(subject, body) of a reminder in its recipient's language; deadlines in Paris time."""
    source = _BY_KIND[candidate.kind]
    context = {
        "user": candidate.recipient, "target": candidate.target, "deadline": candidate.deadline,
        "offset": candidate.offset, "url": source.link(candidate.target),
        "profile_url": _site(reverse("profile")),
    }
    with translation.override(candidate.recipient.language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"emails/reminder_{candidate.kind}_subject.txt", context)
        body = render_to_string(f"emails/reminder_{candidate.kind}.txt", context)
    max_subject = OutboundEmail._meta.get_field("subject").max_length
    return " ".join(subject.split())[:max_subject], body


@transaction.atomic
def _claim_and_queue(batch):
    claimed = _claim(batch)
    links = []
    for candidate in batch:
        pk = claimed.get(_key(candidate))
        if pk is None or not candidate.send:  # taken by another run, or a silent claim
            continue
        subject, body = render(candidate)
        # Same transaction as the claim: both exist or neither; the task is sent after commit.
        email = queue_email(key=f"reminder:{pk}", recipient=candidate.recipient.email,
                            subject=subject, body=body)
        links.append(Reminder(pk=pk, email=email))
    Reminder.objects.bulk_update(links, ["email"], batch_size=BATCH_SIZE)
    return len(links)


def send_due_reminders(now=None, *, batch_size=BATCH_SIZE):
    """Claim every due reminder and queue its e-mail; return the number of e-mails queued.

    Each batch is one transaction, so a long scan holds its locks briefly and a crash loses at
    most the batch in progress, which the next scan takes again.
    """
    now = now or timezone.now()
    queued = 0
    candidates = due_reminders(now)
    while batch := list(islice(candidates, batch_size)):
        queued += _claim_and_queue(batch)
    return queued

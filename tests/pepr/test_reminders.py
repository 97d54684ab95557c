"""Deadline reminders: who gets one, once per offset, through the outbox and a real worker."""
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from calls.applications.models import Application, ApplicationStatus
from calls.evaluation.models import Assignment, Review, ReviewStatus
from calls.setup.models import Stage, StageKind
from governance import services as voting
from governance.models import Attendance, Committee, CommitteeMembership, Recusal, VoteChoice
from pepr.core import outbox
from pepr.core.models import CommitteeCode, EmailStatus, OutboundEmail
from pepr.core.tasks import deliver_email
from pepr.reminders import services as reminders
from pepr.reminders.models import Reminder, ReminderKind
from pepr.reminders.tasks import send_due_reminders
from projects.models import (Deliverable, DeliverableKind, DeliverableStatus, Project,
                             ProjectEditor, ProjectOrigin, ProjectReport, ProjectReportStatus)
from tests.concurrency import in_thread, wait_for
from tests.factories import ApplicationFactory, UserFactory, make_call
from tests.worker import celery_worker

PARIS = ZoneInfo("Europe/Paris")
# A fixed deadline far enough ahead for the services that refuse a past one; 17:00 in Paris is
# 16:00 UTC (winter time), so the e-mails show whether they convert to Paris time.
DEADLINE = datetime(2031, 3, 14, 17, 0, tzinfo=PARIS)
# A milestone or a deliverable due on 14 March is late from midnight after it, Paris time.
DUE_DATE = date(2031, 3, 14)
DUE_DATE_PASSES = datetime(2031, 3, 15, 0, 0, tzinfo=PARIS)
OFFSETS = {
    "draft_deadline": ["7d", "2d", "6h"],
    "review_due": ["7d", "2d"],
    "ballot_closing": ["2d", "6h"],
    "report_due": ["14d", "2d"],
    "milestone_due": ["14d", "2d"],
    "deliverable_due": ["14d", "2d"],
}
SPANS = {"14d": timedelta(days=14), "7d": timedelta(days=7), "2d": timedelta(days=2),
         "6h": timedelta(hours=6)}
MINUTE = timedelta(minutes=1)


class FailingBackend(BaseEmailBackend):
    """Django's mail transport when the SMTP server refuses the connection."""

    calls = 0

    def send_messages(self, email_messages):
        FailingBackend.calls += 1
        raise ConnectionRefusedError(111, "SMTP server refused the connection")


@pytest.fixture(autouse=True)
def _offsets(settings):
    settings.REMINDER_OFFSETS = OFFSETS


# --- Builders: one object of each kind whose deadline is `deadline`. ---

def _stage(closes_at, **fields):
    opens_at = min(timezone.now(), closes_at) - timedelta(days=30)
    return make_call(stages=[(StageKind.LETTER_OF_INTENT, opens_at, closes_at)], **fields) \
        .stages.get()


def draft(deadline, *, coordinator=None, stage=None, **fields):
    return ApplicationFactory(stage=stage or _stage(deadline),
                              coordinator=coordinator or UserFactory(), **fields)


def assignment(deadline, *, reviewer=None, application=None):
    if application is None:
        stage = _stage(deadline - timedelta(days=30))
        Stage.objects.filter(pk=stage.pk).update(review_due_at=deadline)
        application = ApplicationFactory(stage=stage, status=ApplicationStatus.SUBMITTED,
                                          version=1)
    return Assignment.objects.create(application=application,
                                     reviewer=reviewer or UserFactory())


def ballot(deadline, *, present, absent=()):
    committee = Committee.objects.get(code=CommitteeCode.CCS)
    for member in [*present, *absent]:
        CommitteeMembership.objects.create(committee=committee, user=member)
    session = voting.create_session(committee=committee, title="Session de printemps",
                                    held_at=timezone.now(), by=None)
    voting.set_attendance(session, present_ids=[member.pk for member in present], by=None)
    application = ApplicationFactory(status=ApplicationStatus.SUBMITTED, version=1)
    [item] = voting.add_to_agenda(session, [application], motion=ApplicationStatus.SELECTED,
                                  by=None)
    return voting.open_ballot(item, by=None, closes_at=deadline)


def project(*, coordinator=None, acronym="NEUROVEC"):
    return Project.objects.create(origin=ProjectOrigin.AAP, acronym=acronym,
                                  title_fr="Vecteurs ciblés", title_en="Targeted vectors",
                                  coordinator=coordinator or UserFactory())


def report(deadline, *, coordinator=None, of=None, **fields):
    return ProjectReport.objects.create(project=of or project(coordinator=coordinator),
                                        title="Rapport annuel 2030", due_at=deadline, **fields)


def deliverable(due_date, *, kind=DeliverableKind.DELIVERABLE, coordinator=None, of=None,
                **fields):
    of = of or project(coordinator=coordinator)
    code = fields.pop("code", f"{'M' if kind == DeliverableKind.MILESTONE else 'D'}"
                              f"{of.deliverables.count() + 1}")
    return Deliverable.objects.create(project=of, kind=kind, code=code, due_date=due_date,
                                      title=fields.pop("title", "Atlas des vecteurs"), **fields)


def co_editor(of, user, *, accepted=True):
    return ProjectEditor.objects.create(project=of, email=user.email, user=user,
                                        accepted_at=timezone.now() if accepted else None)


def one_of(kind, deadline):
    """(recipient, target, deadline) of one reminder of `kind` due at the offsets before
    `deadline`; a milestone's or deliverable's is the end of its due date."""
    user = UserFactory()
    if kind == ReminderKind.DRAFT_DEADLINE:
        return user, draft(deadline, coordinator=user), deadline
    if kind == ReminderKind.REVIEW_DUE:
        return user, assignment(deadline, reviewer=user), deadline
    if kind == ReminderKind.BALLOT_CLOSING:
        return user, ballot(deadline, present=[user]), deadline
    if kind in (ReminderKind.MILESTONE_DUE, ReminderKind.DELIVERABLE_DUE):
        item_kind = (DeliverableKind.MILESTONE if kind == ReminderKind.MILESTONE_DUE
                     else DeliverableKind.DELIVERABLE)
        return user, deliverable(DUE_DATE, kind=item_kind, coordinator=user), DUE_DATE_PASSES
    return user, report(deadline, coordinator=user), deadline


@pytest.fixture
def scan(django_capture_on_commit_callbacks):
    """One beat tick at `at`, with the e-mails delivered after commit (tasks run eagerly)."""
    def run(at):
        with django_capture_on_commit_callbacks(execute=True):
            return reminders.send_due_reminders(now=at)
    return run


def sent_to(user):
    return sorted(Reminder.objects.filter(recipient=user, email__isnull=False)
                  .values_list("offset", flat=True))


# --- Each kind, each offset, once. ---

@pytest.mark.parametrize("kind", OFFSETS)
def test_each_kind_is_sent_once_at_each_offset(db, scan, kind):
    recipient, target, deadline = one_of(kind, DEADLINE)
    steps = OFFSETS[kind]
    assert scan(deadline - SPANS[steps[0]] - MINUTE) == 0  # not yet
    for label in steps:
        at = deadline - SPANS[label] + MINUTE
        assert scan(at) == 1, label
        assert scan(at) == 0  # the same tick again
        assert scan(at + timedelta(minutes=5)) == 0  # the next tick
        reminder = Reminder.objects.get(kind=kind, recipient=recipient, offset=label)
        assert (reminder.target_id, reminder.deadline, reminder.email.key) == (
            target.pk, deadline, f"reminder:{reminder.pk}")
        assert reminder.email.recipient == recipient.email
        assert reminder.email.status == EmailStatus.SENT
    assert scan(deadline + MINUTE) == 0  # past the deadline
    assert sorted(sent_to(recipient)) == sorted(steps)
    assert [message.to for message in mail.outbox] == [[recipient.email]] * len(steps)
    assert OutboundEmail.objects.count() == len(steps)


def test_only_the_tightest_due_offset_is_sent(db, scan):
    """A draft started one day before closing gets the 2d reminder, never the 7d one."""
    applicant = UserFactory()
    draft(DEADLINE, coordinator=applicant)
    assert scan(DEADLINE - timedelta(days=1)) == 1
    claimed = dict(Reminder.objects.filter(recipient=applicant)
                   .values_list("offset", "email__key"))
    assert set(claimed) == {"7d", "2d"} and claimed["7d"] is None and claimed["2d"]
    assert scan(DEADLINE - timedelta(hours=20)) == 0
    assert scan(DEADLINE - timedelta(hours=6) + MINUTE) == 1
    assert sent_to(applicant) == ["2d", "6h"] and len(mail.outbox) == 2


def test_a_moved_deadline_does_not_send_an_offset_twice(db, scan):
    """Chosen behaviour (see pepr/reminders.py): each offset goes out once per recipient and
    object; after an extension the offsets not sent yet follow the new deadline."""
    applicant = UserFactory(language="en")
    application = draft(DEADLINE, coordinator=applicant)
    assert scan(DEADLINE - timedelta(days=7) + MINUTE) == 1
    extended = DEADLINE + timedelta(days=10)
    Stage.objects.filter(pk=application.stage_id).update(closes_at=extended)
    assert scan(DEADLINE - timedelta(days=2) + MINUTE) == 0  # the old 2d date: nothing
    assert scan(extended - timedelta(days=7) + MINUTE) == 0  # 7d was already sent
    assert scan(extended - timedelta(days=2) + MINUTE) == 1
    reminders_sent = {r.offset: r for r in Reminder.objects.filter(recipient=applicant)}
    assert reminders_sent["7d"].deadline == DEADLINE
    assert reminders_sent["2d"].deadline == extended
    assert "March 24, 2031, 5 p.m." in reminders_sent["2d"].email.body


# --- Who does not get one. ---

def test_drafts_only_for_coordinators_of_drafts_who_want_reminders(db, scan):
    stage = _stage(DEADLINE)
    wanted = draft(DEADLINE, stage=stage)
    draft(DEADLINE, stage=stage, status=ApplicationStatus.SUBMITTED, version=1)
    draft(DEADLINE, stage=stage, status=ApplicationStatus.WITHDRAWN)
    opted_out = UserFactory(optional_reminders=False)
    draft(DEADLINE, stage=stage, coordinator=opted_out)
    draft(DEADLINE, stage=stage, coordinator=UserFactory(is_active=False))
    # Role reminders are sent even to a user who turned the optional ones off.
    assignment(DEADLINE, reviewer=opted_out)
    assert scan(DEADLINE - timedelta(days=2) + MINUTE) == 2
    assert {(r.kind, r.recipient_id) for r in Reminder.objects.filter(email__isnull=False)} == {
        (ReminderKind.DRAFT_DEADLINE, wanted.coordinator_id),
        (ReminderKind.REVIEW_DUE, opted_out.pk)}


def test_reviews_only_when_not_submitted(db, scan):
    pending = assignment(DEADLINE)
    started = assignment(DEADLINE, application=pending.application)
    Review.objects.create(assignment=started, status=ReviewStatus.DRAFT)
    done = assignment(DEADLINE, application=pending.application)
    Review.objects.create(assignment=done, status=ReviewStatus.SUBMITTED,
                          submitted_at=timezone.now())
    withdrawn = assignment(DEADLINE)
    Application.objects.filter(pk=withdrawn.application_id).update(
        status=ApplicationStatus.WITHDRAWN)
    no_date = assignment(DEADLINE)
    Stage.objects.filter(pk=no_date.application.stage_id).update(review_due_at=None)
    assert scan(DEADLINE - timedelta(days=2) + MINUTE) == 2
    assert set(Reminder.objects.values_list("target_id", flat=True)) == {pending.pk, started.pk}


def test_ballots_only_for_present_members_not_recused_who_have_not_voted(db, scan):
    waiting, voted, recused, absent = (UserFactory() for _ in range(4))
    item = ballot(DEADLINE, present=[waiting, voted, recused], absent=[absent])
    voting.cast_vote(item, voter=voted, choice=VoteChoice.FOR)
    Recusal.objects.create(item=item, member=recused, reason="co-author")
    assert scan(DEADLINE - timedelta(hours=6) + MINUTE) == 1
    assert [message.to for message in mail.outbox] == [[waiting.email]]
    assert Reminder.objects.filter(email__isnull=True).get().recipient == waiting  # silent 2d


def test_reports_only_when_owed_and_someone_coordinates(db, scan):
    owed = report(DEADLINE)
    sent_back = report(DEADLINE, status=ProjectReportStatus.RETURNED, version=1)
    report(DEADLINE, status=ProjectReportStatus.SUBMITTED, version=1)
    report(DEADLINE, status=ProjectReportStatus.ACCEPTED, version=1)
    report(DEADLINE, coordinator=UserFactory(is_active=False))
    orphan, coordinated = Project.objects.filter(origin=ProjectOrigin.PRIORITY)[:2]
    report(DEADLINE, of=orphan)
    coordinator = UserFactory()
    Project.objects.filter(pk=coordinated.pk).update(coordinator=coordinator)
    priority_report = report(DEADLINE, of=coordinated)
    assert scan(DEADLINE - timedelta(days=2) + MINUTE) == 3
    assert {(r.target_id, r.recipient_id) for r in Reminder.objects.filter(offset="2d")} == {
        (owed.pk, owed.project.coordinator_id), (sent_back.pk, sent_back.project.coordinator_id),
        (priority_report.pk, coordinator.pk)}


def test_milestones_and_deliverables_only_while_planned_and_not_late(db, scan):
    planned = deliverable(DUE_DATE)
    milestone = deliverable(DUE_DATE, kind=DeliverableKind.MILESTONE, of=planned.project)
    deliverable(DUE_DATE, status=DeliverableStatus.DELIVERED, of=planned.project)
    deliverable(DUE_DATE, status=DeliverableStatus.ACCEPTED, of=planned.project)
    deliverable(DUE_DATE, coordinator=UserFactory(is_active=False))
    orphan = Project.objects.filter(origin=ProjectOrigin.PRIORITY).first()
    deliverable(DUE_DATE, of=orphan)
    at = DUE_DATE_PASSES - timedelta(days=2) + MINUTE  # 13 March, 00:01 in Paris
    late = deliverable(date(2031, 3, 12), of=planned.project)  # late since 13 March
    assert late.due_date < timezone.localdate(at, PARIS)
    assert scan(at) == 2
    assert sorted(Reminder.objects.filter(email__isnull=False)
                  .values_list("kind", "target_id")) == sorted([
                      (ReminderKind.DELIVERABLE_DUE, planned.pk),
                      (ReminderKind.MILESTONE_DUE, milestone.pk)])
    assert [message.to for message in mail.outbox] == [[planned.project.coordinator.email]] * 2
    assert scan(at) == 0 and scan(at + timedelta(hours=20)) == 0  # once
    assert scan(DUE_DATE_PASSES) == 0  # midnight: the items are late, no longer reminded


def test_co_editors_who_accepted_are_reminded_too(db, scan):
    coordinator, editor, invited, elsewhere = (UserFactory() for _ in range(4))
    item = deliverable(DUE_DATE, kind=DeliverableKind.MILESTONE, coordinator=coordinator)
    owed = report(DEADLINE, of=item.project)
    co_editor(item.project, editor)
    co_editor(item.project, invited, accepted=False)
    co_editor(item.project, UserFactory(is_active=False))
    co_editor(item.project, coordinator)  # also a co-editor: still one e-mail
    co_editor(project(acronym="AUTRE"), elsewhere)  # another project's co-editor
    assert scan(DEADLINE - timedelta(days=2) + MINUTE) == 4
    assert sorted((r.kind, r.recipient_id, r.target_id)
                  for r in Reminder.objects.filter(email__isnull=False)) == sorted([
        (ReminderKind.REPORT_DUE, coordinator.pk, owed.pk),
        (ReminderKind.REPORT_DUE, editor.pk, owed.pk),
        (ReminderKind.MILESTONE_DUE, coordinator.pk, item.pk),
        (ReminderKind.MILESTONE_DUE, editor.pk, item.pk)])
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [coordinator.email, editor.email] * 2)


def test_milestones_and_deliverables_use_the_reports_offsets_unless_configured(settings):
    settings.REMINDER_OFFSETS = {"report_due": ["21d", "3d"]}
    assert [label for label, _span in reminders.offsets("deliverable_due")] == ["21d", "3d"]
    assert [label for label, _span in reminders.offsets("milestone_due")] == ["21d", "3d"]
    settings.REMINDER_OFFSETS = {"report_due": ["21d"], "milestone_due": ["1d"]}
    assert [label for label, _span in reminders.offsets("milestone_due")] == ["1d"]


# --- What they say. ---

def test_content_in_english(db, scan):
    applicant = UserFactory(language="en", first_name="Ada", last_name="Lovelace")
    stage = _stage(DEADLINE, title_en="Citizens' science & AAV", title_fr="Science citoyenne")
    application = draft(DEADLINE, stage=stage, coordinator=applicant, reference="BBTI-AAP-0042")
    scan(DEADLINE - timedelta(days=2) + MINUTE)
    [message] = mail.outbox
    assert message.subject == "Your application BBTI-AAP-0042 is not submitted yet"
    assert message.body.startswith("Hello Ada Lovelace,")
    assert "to the call “Citizens' science & AAV” is still a draft" in message.body
    assert "The call closes on March 14, 2031, 5 p.m. (Paris time)" in message.body
    assert f"http://127.0.0.1:8000/calls/applications/{application.pk}/\n" in message.body
    assert "http://127.0.0.1:8000/profile/" in message.body


def test_content_in_french_has_the_reference_and_the_paris_time(db, scan):
    applicant = UserFactory(language="fr")
    application = draft(DEADLINE, coordinator=applicant, reference="BBTI-AAP-0043")
    reviewer = UserFactory(language="fr")
    assignment(DEADLINE, reviewer=reviewer, application=ApplicationFactory(
        stage=application.stage, status=ApplicationStatus.SUBMITTED, version=1,
        reference="BBTI-AAP-0044"))
    Stage.objects.filter(pk=application.stage_id).update(review_due_at=DEADLINE)
    scan(DEADLINE - timedelta(days=2) + MINUTE)
    by_recipient = {message.to[0]: message for message in mail.outbox}
    for user, reference in [(applicant, "BBTI-AAP-0043"), (reviewer, "BBTI-AAP-0044")]:
        message = by_recipient[user.email]
        assert reference in message.subject and reference in message.body
        assert "14 mars 2031 17:00" in message.body  # Django's French date format, Paris time
        assert "16:00" not in message.body


def test_milestone_deliverable_and_report_content_link_to_the_project(db, scan):
    english = UserFactory(language="en", first_name="Ada", last_name="Lovelace")
    french = UserFactory(language="fr")
    item = deliverable(DUE_DATE, code="D1.2", coordinator=english)
    owed = report(DEADLINE, of=item.project)
    milestone = deliverable(DUE_DATE, kind=DeliverableKind.MILESTONE, code="M3",
                            title="Premier essai clinique",
                            of=project(coordinator=french, acronym="CARDIOGEN"))
    scan(DEADLINE - timedelta(days=2) + MINUTE)
    messages = {(m.to[0], m.subject.split()[0]): m for m in mail.outbox}
    sent = messages[english.email, "Deliverable"]
    assert sent.subject == "Deliverable D1.2 of NEUROVEC due soon"
    assert sent.body.startswith("Hello Ada Lovelace,")
    assert ("The deliverable D1.2 “Atlas des vecteurs” of the project NEUROVEC is due on "
            "March 14, 2031 and is not delivered yet.") in " ".join(sent.body.split())
    assert f"http://127.0.0.1:8000/projects/{item.project_id}/\n" in sent.body
    sent = messages[english.email, "Report"]
    assert f"http://127.0.0.1:8000/projects/reports/{owed.pk}/\n" in sent.body
    [sent] = [m for m in mail.outbox if m.to == [french.email]]
    assert "M3" in sent.subject and "CARDIOGEN" in sent.subject
    assert "Premier essai clinique" in sent.body and "14 mars 2031" in sent.body
    assert f"http://127.0.0.1:8000/projects/{milestone.project_id}/\n" in sent.body


# --- Scale: the scan's queries do not grow with the number of reminders. ---

def test_the_scan_runs_a_fixed_number_of_queries(db):
    stage = _stage(DEADLINE)
    application = assignment(DEADLINE).application

    def build(n):
        for _ in range(n):
            draft(DEADLINE, stage=stage)
            assignment(DEADLINE, application=application)
            owed = report(DEADLINE)
            co_editor(owed.project, UserFactory())
            deliverable(DUE_DATE, of=owed.project)
            deliverable(DUE_DATE, kind=DeliverableKind.MILESTONE, of=owed.project)
    build(2)
    item = ballot(DEADLINE, present=[UserFactory(), UserFactory()])
    at = DEADLINE - timedelta(days=1)
    with CaptureQueriesContext(connection) as few:
        found_few = list(reminders.due_reminders(at))
    build(20)
    for _ in range(20):
        Attendance.objects.create(session=item.session, member=UserFactory(), present=True)
    with CaptureQueriesContext(connection) as many:
        found_many = list(reminders.due_reminders(at))
    assert len(found_many) > len(found_few) + 200
    assert len(many) == len(few) <= 18  # three per kind


# --- Crashes and redeliveries. ---

def test_a_worker_lost_after_the_claim_sends_once_on_redelivery(db):
    """Claim and e-mail row are committed together; the deliver task is lost with the worker and
    then redelivered twice (acks_late): one e-mail."""
    draft(DEADLINE)
    # In this test's transaction the after-commit hooks never run: no task reaches the broker.
    assert reminders.send_due_reminders(now=DEADLINE - timedelta(days=2) + MINUTE) == 1
    email = OutboundEmail.objects.get()
    assert email.status == EmailStatus.QUEUED and mail.outbox == []
    deliver_email.apply(args=[email.pk])
    deliver_email.apply(args=[email.pk])
    email.refresh_from_db()
    assert (email.status, email.attempts, len(mail.outbox)) == (EmailStatus.SENT, 1, 1)


def test_an_email_whose_task_never_reached_the_broker_is_queued_again(db):
    draft(DEADLINE)
    reminders.send_due_reminders(now=DEADLINE - timedelta(days=2) + MINUTE)
    # The outbox's sweep (beat, every minute) hands it to the broker again.
    assert outbox.sweep() == 0  # recent: its task may be on its way
    OutboundEmail.objects.update(created_at=timezone.now() - timedelta(hours=2))
    assert outbox.sweep() == 1
    assert outbox.sweep() == 0
    assert OutboundEmail.objects.get().status == EmailStatus.SENT and len(mail.outbox) == 1


# --- The real stack: concurrent scans, a real worker, SMTP failures. ---





def _waiting_to_claim():
    # pg_locks, not pg_stat_activity: the latter is a snapshot frozen for the whole transaction.
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = %s::regclass",
                       [Reminder._meta.db_table])
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_two_scans_at_once_send_each_reminder_once():
    call_command("load_reference_data", verbosity=0)
    stage = _stage(DEADLINE)
    for _ in range(30):
        draft(DEADLINE, stage=stage)
    for _ in range(10):
        item = deliverable(DUE_DATE)
        co_editor(item.project, UserFactory())
        deliverable(DUE_DATE, kind=DeliverableKind.MILESTONE, of=item.project)
    at = DEADLINE - timedelta(days=1)
    results = []
    # Both scans read their candidates, then wait on the table lock to insert: when it is
    # released, they claim the same rows at the same time.
    threads = []
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {Reminder._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")
            threads = [in_thread(lambda: reminders.send_due_reminders(now=at), results)
                       for _ in range(2)]
            assert wait_for(lambda: _waiting_to_claim() == 2, timeout=10)
    finally:
        for thread in threads:
            thread.join(30)
    # 30 drafts, 10 deliverables and 10 milestones to a coordinator and a co-editor each.
    assert all(isinstance(result, int) for result in results), results
    assert sum(results) == 70 and len(results) == 2
    assert Reminder.objects.count() == 140  # the 2d sent, the 7d or 14d claimed silently
    assert OutboundEmail.objects.filter(status=EmailStatus.SENT).count() == 70
    assert len(mail.outbox) == 70
    assert len({(m.to[0], m.subject) for m in mail.outbox}) == 70


@pytest.mark.django_db(transaction=True)
def test_the_beat_task_on_a_real_worker_sends_each_reminder_once():
    call_command("load_reference_data", verbosity=0)
    tomorrow = timezone.now() + timedelta(days=1)
    applicant, reviewer, coordinator = UserFactory(), UserFactory(), UserFactory()
    draft(tomorrow, coordinator=applicant)
    assignment(tomorrow, reviewer=reviewer)
    item = deliverable(timezone.localdate(tomorrow, PARIS), coordinator=coordinator)
    deliverable(item.due_date, kind=DeliverableKind.MILESTONE, of=item.project)
    with celery_worker():
        send_due_reminders.delay()
        send_due_reminders.delay()  # a doubled beat tick
        assert wait_for(lambda: OutboundEmail.objects.filter(status=EmailStatus.SENT).count()
                         == 4)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [applicant.email, reviewer.email, coordinator.email, coordinator.email])
    assert set(OutboundEmail.objects.values_list("status", "attempts")) == {
        (EmailStatus.SENT, 1)}
    assert Reminder.objects.filter(email__isnull=False).count() == 4


def test_an_smtp_failure_is_kept_on_the_outbox_row(db, settings):
    draft(DEADLINE)
    reminders.send_due_reminders(now=DEADLINE - timedelta(days=2) + MINUTE)
    email = OutboundEmail.objects.get()
    settings.EMAIL_BACKEND = "tests.pepr.test_reminders.FailingBackend"
    outbox.deliver(email.pk)  # the failure is recorded, not raised: the sweep tries again
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.FAILED, 1)
    assert "SMTP server refused the connection" in email.error and email.next_attempt_at


@pytest.mark.django_db(transaction=True)
def test_after_an_smtp_failure_a_retry_on_the_worker_sends_once(settings):
    call_command("load_reference_data", verbosity=0)
    draft(timezone.now() + timedelta(days=1))
    settings.EMAIL_BACKEND = "tests.pepr.test_reminders.FailingBackend"
    FailingBackend.calls = 0
    with celery_worker():
        assert reminders.send_due_reminders() == 1
        assert wait_for(lambda: FailingBackend.calls >= 1)
    email = OutboundEmail.objects.get()
    assert email.status != EmailStatus.SENT and mail.outbox == []
    attempts_before = email.attempts
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with celery_worker():
        deliver_email.delay(email.pk)  # the retry
        deliver_email.delay(email.pk)  # and a redelivery of it
        assert wait_for(lambda: OutboundEmail.objects.filter(status=EmailStatus.SENT).exists())
    email.refresh_from_db()
    assert (email.status, email.error, email.attempts) == (EmailStatus.SENT, "",
                                                           attempts_before + 1)
    assert len(mail.outbox) == 1

"""Writes of the outbox: an e-mail is queued once per key, in the transaction of the change that
causes it, handed to the broker after commit, delivered at most once per claim, retried with a
growing delay when it fails, and given up after EMAIL_RETRY_FOR_HOURS.

Delivery claims the row first (status "sending" with a lease, committed), talks to the SMTP server
outside any transaction or row lock, then marks the row sent. A worker that dies between the claim
and the mark leaves a "sending" row whose lease runs out; the sweep takes it back and it is sent
again: only the e-mail in flight at a crash may arrive twice, and it keeps its Message-ID.

The broker is a messenger, not the record: publishing is best effort, and the sweep (beat, every
minute) publishes every e-mail that is due and was never handed over, or was lost by the broker.
"""
import hashlib
import logging
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from pepr.core import audit, enqueue
from pepr.core.models import EmailStatus as S
from pepr.core.models import OutboundEmail

log = logging.getLogger(__name__)

DELIVER = "pepr.deliver_email"
# The sweep leaves a fresh e-mail to the after-commit hook that publishes it at once.
PUBLISH_GRACE = timedelta(seconds=30)
# A task published this long ago that has not run was lost by the broker (Redis restarted without
# its data): the sweep publishes the e-mail again; a spare task finds the row claimed or sent.
REPUBLISH_AFTER = timedelta(minutes=15)
SWEEP_BATCH = 1000
PUBLISH_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0, "interval_max": 0}
LEASE_EXPIRED = ("The worker stopped while sending (its claim expired): this e-mail may have "
                 "left once already.")
RESENDABLE = (S.FAILED, S.DEAD, S.QUEUED)


def message_id(key):
    """The Message-ID of the e-mail `key`, the same at every attempt, so that the copy sent twice
    after a crash is recognisably one message (mail clients and the SMTP sink of the tests)."""
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}.outbox@{domain}>"


def queue_email(*, key, recipient, subject, body, attachment=None, attachment_task=""):
    """Create the outbox row for `key` unless it exists, in the caller's transaction, and hand
    it to the broker after commit.

    `attachment` is a django File; `attachment_task` names the task that renders the attachment
    at delivery instead (see attach). A second call with the same key changes nothing.
    """
    email, created = OutboundEmail.objects.get_or_create(key=key, defaults={
        "recipient": recipient, "subject": subject, "body": body,
        "attachment_task": attachment_task})
    if created and attachment is not None:
        email.attachment.save(attachment.name, attachment, save=False)
        email.save(update_fields=["attachment"])
    if created:
        _publish_after_commit([email.pk])
    return email


def queue_emails(messages):
    """Queue many e-mails at once (dicts of queue_email's arguments, without attachments), in
    the caller's transaction; an existing key is left alone. Returns {key: e-mail id}."""
    keys = [message["key"] for message in messages]
    existing = set(OutboundEmail.objects.filter(key__in=keys).values_list("key", flat=True))
    OutboundEmail.objects.bulk_create(
        [OutboundEmail(**message) for message in messages if message["key"] not in existing],
        batch_size=500, ignore_conflicts=True)
    ids = dict(OutboundEmail.objects.filter(key__in=keys).values_list("key", "pk"))
    _publish_after_commit([pk for key, pk in ids.items() if key not in existing])
    return ids


def _publish_after_commit(email_ids):
    # robust: publish() already keeps a broker outage quiet; this keeps any other error of the
    # hook from turning a committed action (a submission) into an error page.
    if email_ids:
        transaction.on_commit(lambda: publish(email_ids), robust=True)


def publish(email_ids, *, now=None):
    """Hand a delivery task per e-mail to the broker, best effort: when the broker is down, the
    e-mails left stay unpublished for the sweep. Returns the number published."""
    published = []
    deliver_task = enqueue.task(DELIVER)
    try:
        for email_id in email_ids:
            # One retry, at once: enough for a connection that a Redis restart left stale, and no
            # waiting in the web request on a broker that is down (the sweep comes next).
            deliver_task.apply_async((email_id,), retry_policy=PUBLISH_RETRY)
            published.append(email_id)
    except Exception as error:  # kombu raises several families of errors for a broker down
        log.warning("Could not hand %d e-mails to the broker (%r); the outbox sweep will.",
                    len(email_ids) - len(published), error)
    if published:
        OutboundEmail.objects.filter(pk__in=published).update(published_at=now or timezone.now())
    return len(published)


def deliver(email_id):
    """Send one e-mail if it can be claimed; returns it, or None when it is sent, given up or
    being sent by another worker (so a redelivered or spare task is a no-op).

    A failure never raises: it is recorded on the row, and the sweep tries again when due."""
    lease = _claim(email_id)
    if lease is None:
        return None
    email = OutboundEmail.objects.get(pk=email_id)
    try:
        if email.attachment_task:
            # By name, like every task: the core renders no feature's documents itself.
            enqueue.task(email.attachment_task)(email.pk)
            email.refresh_from_db(fields=["attachment", "attachment_task"])
        _message(email).send()
    except Exception as error:  # SMTP errors (OSError), the soft time limit, a failed render
        _record_failure(email, lease, error)
        return email
    # Sent, whoever holds the claim now: a copy taken back by the sweep must not leave again.
    OutboundEmail.objects.filter(pk=email.pk).exclude(status=S.SENT).update(
        status=S.SENT, sent_at=timezone.now(), error="", lease_until=None, next_attempt_at=None,
        failing_since=None)
    email.status = S.SENT
    return email


def _claim(email_id):
    now = timezone.now()
    lease = now + timedelta(seconds=settings.EMAIL_LEASE_SECONDS)
    claimable = Q(status__in=[S.QUEUED, S.FAILED]) | Q(status=S.SENDING, lease_until__lte=now)
    # One UPDATE, committed at once (autocommit): a concurrent claim waits for it, then finds the
    # row taken; and no lock is left held while the SMTP server is talked to.
    claimed = OutboundEmail.objects.filter(claimable, pk=email_id).update(
        status=S.SENDING, lease_until=lease, attempts=F("attempts") + 1)
    return lease if claimed else None


def _message(email):
    message = EmailMessage(email.subject, email.body, to=[email.recipient],
                           headers={"Message-ID": message_id(email.key)})
    if email.attachment:
        with email.attachment.open("rb") as handle:
            message.attach(email.attachment.name.rsplit("/", 1)[-1], handle.read(),
                           "application/pdf")
    return message


def attach(email_id, content):
    """Store the attachment an attachment task rendered (a django File) and clear the marker."""
    email = OutboundEmail.objects.get(pk=email_id)
    email.attachment.save(content.name, content, save=False)
    OutboundEmail.objects.filter(pk=email_id).update(attachment=email.attachment.name,
                                                     attachment_task="")


def _after_failure(attempts, failing_since, now):
    """(status, next attempt) after a failed attempt: the delays of EMAIL_RETRY_MINUTES, the
    last one repeated, until the e-mail has failed for EMAIL_RETRY_FOR_HOURS."""
    if now - failing_since >= timedelta(hours=settings.EMAIL_RETRY_FOR_HOURS):
        return S.DEAD, None
    delays = settings.EMAIL_RETRY_MINUTES
    return S.FAILED, now + timedelta(minutes=delays[min(max(attempts, 1), len(delays)) - 1])


def _record_failure(email, lease, error):
    now = timezone.now()
    failing_since = email.failing_since or now
    status, next_attempt_at = _after_failure(email.attempts, failing_since, now)
    # Only while the claim is still ours: the sweep may have taken the e-mail back meanwhile.
    OutboundEmail.objects.filter(pk=email.pk, status=S.SENDING, lease_until=lease).update(
        status=status, error=f"{error.__class__.__name__}: {error}", lease_until=None,
        next_attempt_at=next_attempt_at, failing_since=failing_since)
    log.warning("E-mail %s to %s failed (attempt %d, %s): %r", email.pk, email.recipient,
                email.attempts, status, error)
    email.status, email.next_attempt_at = status, next_attempt_at


def sweep(now=None, *, limit=SWEEP_BATCH):
    """The beat's minute: take back the e-mails of workers that died while sending, then publish
    every e-mail that is due (queued, or failed and its delay over) and has had no task since it
    became due. Returns the number published."""
    now = now or timezone.now()
    _take_back_expired_claims(now)
    due = (Q(status=S.QUEUED, created_at__lte=now - PUBLISH_GRACE)
           | Q(status=S.FAILED, next_attempt_at__lte=now))
    unpublished = (Q(published_at__isnull=True) | Q(published_at__lt=now - REPUBLISH_AFTER)
                   | Q(status=S.FAILED, published_at__lt=F("next_attempt_at")))
    ids = list(OutboundEmail.objects.filter(due & unpublished).order_by("created_at")
               .values_list("pk", flat=True)[:limit])
    return publish(ids, now=now)


def _take_back_expired_claims(now):
    expired = OutboundEmail.objects.filter(status=S.SENDING, lease_until__lte=now).only(
        "pk", "attempts", "failing_since", "lease_until")
    for email in expired[:SWEEP_BATCH]:
        failing_since = email.failing_since or now
        status, _later = _after_failure(email.attempts, failing_since, now)
        # Due at once: the lease was the wait.
        OutboundEmail.objects.filter(pk=email.pk, status=S.SENDING,
                                     lease_until=email.lease_until).update(
            status=status, error=LEASE_EXPIRED, lease_until=None, failing_since=failing_since,
            next_attempt_at=now if status == S.FAILED else None)
        log.warning("E-mail %s: its worker died while sending; %s.", email.pk, status)


@transaction.atomic
def resend(email_ids, *, by):
    """Staff send failed, given-up or stuck e-mails again: each starts afresh (attempts and
    delays) and the act is audited. Sent and in-flight e-mails are left alone. Returns the
    number resent."""
    emails = list(OutboundEmail.objects.select_for_update()
                  .filter(pk__in=list(email_ids), status__in=RESENDABLE))
    for email in emails:
        audit.record(by, "email.resent", email,
                     gettext_noop("sent the e-mail “%(subject)s” to %(recipient)s again"),
                     {"subject": email.subject, "recipient": email.recipient},
                     status=email.status, attempts=email.attempts, error=email.error[:500])
    ids = [email.pk for email in emails]
    OutboundEmail.objects.filter(pk__in=ids).update(
        status=S.QUEUED, attempts=0, next_attempt_at=None, failing_since=None, published_at=None,
        lease_until=None)
    _publish_after_commit(ids)
    return len(ids)

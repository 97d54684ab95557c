"""Hooks into django-allauth: new accounts keep the language they signed up in, and account
e-mails (confirmation, password reset) leave through the outbox like every other e-mail."""
import uuid

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.utils.translation import get_language

from pepr.core.outbox import queue_email


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user.language = (get_language() or "fr")[:2]
        return super().save_user(request, user, form, commit=commit)

    def send_mail(self, template_prefix, email, context):
        request = allauth_context.request
        message = self.render_mail(template_prefix, email, {
            "request": request, "email": email, "current_site": get_current_site(request),
            **context,
        })
        # Each account e-mail is a new message (a new link each time): a random key.
        queue_email(key=f"account:{template_prefix.rsplit('/', 1)[-1]}:{uuid.uuid4().hex}",
                    recipient=email, subject=message.subject, body=message.body)

"""Hooks into django-allauth: new accounts keep the language they signed up in, account e-mails
(confirmation, password reset) leave through the outbox like every other e-mail, and failed
sign-ins are throttled per (address, account) rather than per account."""
import hashlib
import ipaddress
import uuid
from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import get_language

from pepr.core.outbox import queue_email

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_limit(text):
    """(amount, seconds) of a limit written like allauth's rates without the scope: "5/5m"."""
    try:
        amount, duration = text.strip().split("/")
        unit, count = duration[-1], duration[:-1] or "1"
        limit = int(amount), int(float(count) * _UNITS[unit])
    except (ValueError, KeyError, IndexError) as error:
        raise ImproperlyConfigured(f"Expected a limit like 5/5m, got {text!r}.") from error
    if limit[0] < 1 or limit[1] < 1:
        raise ImproperlyConfigured(f"Expected a limit like 5/5m, got {text!r}.")
    return limit


def _address(ip):
    # As allauth does: an IPv6 client owns a whole /64, so the address counted is the network.
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return str(address)


def portal_site():
    """What allauth's e-mails call the site: the programme's name and the address the portal is
    served at (SITE_URL), not the host name of whichever request sent them."""
    return SimpleNamespace(name=settings.PORTAL_NAME, domain=urlsplit(settings.SITE_URL).netloc)


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        user.language = (get_language() or "fr")[:2]
        return super().save_user(request, user, form, commit=commit)

    def send_mail(self, template_prefix, email, context):
        request = allauth_context.request
        message = self.render_mail(template_prefix, email, {
            "request": request, "email": email, "current_site": portal_site(), **context,
        })
        # Each account e-mail is a new message (a new link each time): a random key.
        queue_email(key=f"account:{template_prefix.rsplit('/', 1)[-1]}:{uuid.uuid4().hex}",
                    recipient=email, subject=message.subject, body=message.body)

    # Failed sign-ins. allauth counts them per address (ACCOUNT_RATE_LIMITS["login_failed"]) or
    # per account alone, which lets anyone who knows an e-mail address lock its owner out. Its
    # rates have no (address, account) scope: that count is kept here, in the cache.

    def pre_authenticate(self, request, **credentials):
        amount, _seconds = parse_limit(settings.LOGIN_FAILED_PER_ADDRESS_AND_ACCOUNT)
        # Checked before allauth's per-address count: a refused try is not a password tried.
        if cache.get(self._failures_key(request, credentials), 0) >= amount:
            raise self.validation_error("too_many_login_attempts")
        super().pre_authenticate(request, **credentials)

    def authentication_failed(self, request, **credentials):
        super().authentication_failed(request, **credentials)
        _amount, seconds = parse_limit(settings.LOGIN_FAILED_PER_ADDRESS_AND_ACCOUNT)
        key = self._failures_key(request, credentials)
        # The window opens at the first failure; incr is atomic on Redis and keeps its expiry.
        cache.add(key, 0, timeout=seconds)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=seconds)

    def _failures_key(self, request, credentials):
        login = (credentials.get("email") or credentials.get("username") or "").strip().lower()
        source = f"{get_current_site(request).domain}\n{_address(self.get_client_ip(request))}"
        digest = hashlib.sha256(f"{source}\n{login}".encode()).hexdigest()
        return f"pepr:login-failed:{digest}"

"""Spam defences shared by every public form (comments, inquiries), without third-party CAPTCHAs.

- a honeypot field people never see (bots fill it in);
- a time trap: a signed timestamp in the form, or for a form on a cached page in the page-shown cookie
  (below); sent too fast is a bot's, too old or forged is sent again;
- a rate limit per client that holds across server processes (django-ratelimit on the shared cache),
  keyed by a keyed hash of the client's address (as ``clinic_site.security.client_ip`` finds it
  behind the trusted proxies), so no address is ever stored.

Each form declares one ``FormGuard`` with its own salt, rate-limit group and settings prefix, and
keeps its own wording; the mechanisms live only here.

With the shared cache unreachable (clinic_site.cache.CacheUnavailable), each mechanism has one rule,
kept here: a rate limit lets the request through (it protects a convenience, and a patient must reach
the clinic); a one-time token cannot be used up, which ``check_time_token`` says by returning False
(the caller holds what it lets in); a per-address email allowance refuses (no one can be mailed
over and over while nothing counts). README, Production, "When the cache is down".
"""

import re
import secrets
import time
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core import checks, signing
from django.core.cache import cache
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import get_usage

from .cache import CacheUnavailable
from .security import client_ip

HONEYPOT_FIELD = "website"


def honeypot_field() -> forms.CharField:
    """Left empty by people (hidden by CSS, skipped by the keyboard); bots fill every field."""
    return forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )


def honeypot_filled(cleaned_data: dict) -> bool:
    return bool(cleaned_data.get(HONEYPOT_FIELD))


class TimeTrapError(Exception):
    """The form's signed timestamp says it was not filled in by a person in the normal way."""

    TOO_FAST = "too_fast"
    EXPIRED = "expired"
    INVALID = "invalid"
    REPLAYED = "replayed"

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def make_time_token(*, salt: str, at: float | None = None) -> str:
    """A signed record of when the form was shown (seconds since the epoch), with a random nonce of
    its own so that a form that may be sent once can tell its token from a copy."""
    return signing.dumps([int(time.time() if at is None else at), secrets.token_urlsafe(9)], salt=salt)


def check_time_token(
    token: str, *, salt: str, min_seconds: float, max_age: float, once: bool = False
) -> bool:
    """Raise TimeTrapError unless the form was shown between ``min_seconds`` and ``max_age`` ago.

    With ``once``, a token that passes is used up: the same token again is REPLAYED. What is used
    up is kept in the shared cache until the token would have expired anyway. Returns False when
    that could not be checked (the cache is down): the token passed everything else.
    """
    try:
        value = signing.loads(token or "", salt=salt)
        # A bare number is a token signed before tokens had a nonce; it cannot be used up.
        shown_at, nonce = (value, None) if isinstance(value, int | float) else value
        shown_at = float(shown_at)
    except (signing.BadSignature, TypeError, ValueError) as error:
        raise TimeTrapError(TimeTrapError.INVALID) from error
    age = time.time() - shown_at
    if age < min_seconds:
        raise TimeTrapError(TimeTrapError.TOO_FAST)
    if age > max_age:
        raise TimeTrapError(TimeTrapError.EXPIRED)
    if once:
        if nonce is None:
            raise TimeTrapError(TimeTrapError.INVALID)
        try:
            fresh = cache.add(f"antispam:used:{salt}:{nonce}", 1, int(max_age - age) + 60)
        except CacheUnavailable:
            return False
        if not fresh:
            raise TimeTrapError(TimeTrapError.REPLAYED)
    return True


def client_key(group, request) -> str:
    """A keyed hash of the client's address: enough to count its requests, useless to read back."""
    return salted_hmac("clinic_site.antispam.client", client_ip(request) or "unknown").hexdigest()


def rate_limited(request, *, group: str, rate: str, key=client_key) -> bool:
    """Count this attempt and say whether the client has gone over ``rate`` (like ``"5/10m"``).

    ``key`` says what is counted: by default the client (``client_key``); a callable of the group
    and the request may count something else, such as one conversation whoever writes to it.
    Without the cache nothing can be counted, and the attempt is let through.
    """
    try:
        usage = get_usage(request, group=group, key=key, rate=rate, increment=True)
    except CacheUnavailable:
        return False
    return bool(usage and usage["should_limit"])


def _mailbox(address: str) -> str:
    """One inbox's canonical spelling for counting: case and a ``+tag`` in the local part ignored."""
    local, _at, domain = address.strip().lower().rpartition("@")
    return f"{local.split('+', 1)[0]}@{domain}"


def address_allowance_left(*, group: str, address: str, per_day: int) -> bool:
    """Count one email to ``address`` under ``group``; False once it has had ``per_day`` today.

    Counted in the shared cache by a keyed hash of the address, so no address is stored there.
    Without the cache nothing can be counted, and the answer is False.
    """
    digest = salted_hmac("clinic_site.antispam.address", _mailbox(address)).hexdigest()
    key = f"antispam:address:{group}:{digest}"
    try:
        cache.add(key, 0, 60 * 60 * 24)
        try:
            sent_today = cache.incr(key)
        except ValueError:  # evicted between add and incr: count this one as the first
            cache.set(key, 1, 60 * 60 * 24)
            sent_today = 1
    except CacheUnavailable:
        return False
    return sent_today <= per_day


def at_rate_limit(request, *, group: str, rate: str) -> bool:
    """Whether the client has used up ``rate`` already, without counting this request."""
    try:
        usage = get_usage(request, group=group, key=client_key, rate=rate, increment=False)
    except CacheUnavailable:  # nothing counted: not at the limit
        return False
    return bool(usage and usage["count"] >= usage["limit"])


# The forms with a guard, by settings prefix; the checks below read the settings of each.
GUARDED_FORMS = ("COMMENTS", "INQUIRIES")


@dataclass(frozen=True)
class FormGuard:
    """The time trap and the rate limit of one public form.

    Its settings are named after ``settings_prefix``: ``<PREFIX>_MIN_SECONDS`` (sent sooner after the
    form was shown is a bot's), ``<PREFIX>_MAX_FORM_AGE_SECONDS`` (an older form is sent again) and
    ``<PREFIX>_RATE_LIMIT`` (like ``"5/10m"``). They are read on each use, not when the guard is made.
    """

    settings_prefix: str
    salt: str
    rate_group: str

    def __post_init__(self):
        if self.settings_prefix not in GUARDED_FORMS:
            raise ValueError(f"Add {self.settings_prefix!r} to GUARDED_FORMS so its settings are checked.")

    def _setting(self, suffix: str):
        return getattr(settings, f"{self.settings_prefix}_{suffix}")

    @property
    def min_seconds(self) -> float:
        return self._setting("MIN_SECONDS")

    @property
    def max_form_age(self) -> float:
        return self._setting("MAX_FORM_AGE_SECONDS")

    @property
    def rate(self) -> str:
        return self._setting("RATE_LIMIT")

    def make_token(self, *, at: float | None = None) -> str:
        """The signed time the form is shown (now, or ``at``), for its hidden field or a cookie."""
        return make_time_token(salt=self.salt, at=at)

    def make_token_after_mistake(self) -> str:
        """The stamp of a form sent back for a mistake in a field, its time trap passed: the person
        has spent their time on it, so one box put right and sent again at once is not too fast."""
        return self.make_token(at=time.time() - self.min_seconds)

    def check_token(self, token: str, *, once: bool = False) -> bool:
        """Raise TimeTrapError unless the form was shown between the two limits ago (and, with
        ``once``, was not sent with this token before; False: that could not be checked)."""
        return check_time_token(
            token, salt=self.salt, min_seconds=self.min_seconds, max_age=self.max_form_age, once=once
        )

    def check_form_time(self, started: str, request, *, once: bool = False) -> bool:
        """``check_token`` for a form sent from either kind of page: its own ``started`` stamp when
        it has one (a form rendered for one request), else the page-shown cookie of the cached page
        it was on (``remember_page_shown``), which says when that page was shown."""
        if started or request is None:
            return self.check_token(started, once=once)
        return check_time_token(
            page_shown_token(request),
            salt=PAGE_SHOWN_SALT,
            min_seconds=self.min_seconds,
            max_age=self.max_form_age,
            once=once,
        )

    def rate_limited(self, request) -> bool:
        """Count this attempt and say whether the client has gone over the form's rate."""
        return rate_limited(request, group=self.rate_group, rate=self.rate)

    def at_rate_limit(self, request) -> bool:
        """Whether one more counted attempt would go over the form's rate (counts nothing)."""
        return at_rate_limit(request, group=self.rate_group, rate=self.rate)

    # A form may keep a second, more generous count for submissions sent back with errors
    # (``<PREFIX>_FAILED_RATE_LIMIT``), so that a person who mistypes does not use up the first.
    @property
    def failed_rate(self) -> str:
        return self._setting("FAILED_RATE_LIMIT")

    def failure_rate_limited(self, request) -> bool:
        """Count a submission refused for its content; say whether the client is over that rate."""
        return rate_limited(request, group=self.rate_group + ".failed", rate=self.failed_rate)

    def at_failure_rate_limit(self, request) -> bool:
        return at_rate_limit(request, group=self.rate_group + ".failed", rate=self.failed_rate)


_RATE_RE = re.compile(r"^\d+/\d*[smhd]$")


@checks.register(checks.Tags.security)
def check_rates(app_configs=None, **kwargs):
    """A rate that django-ratelimit cannot read would fail every submission: refuse to start instead."""
    names = [f"{prefix}_RATE_LIMIT" for prefix in GUARDED_FORMS]
    names += [
        "COMMENTS_FAILED_RATE_LIMIT",
        "INQUIRIES_FAILED_RATE_LIMIT",
        "INQUIRIES_LINK_RATE_LIMIT",
        "INQUIRIES_ANSWER_RATE_LIMIT",
        "LIKES_RATE_LIMIT",
    ]
    return [
        checks.Error(
            f"{name} {getattr(settings, name, None)!r} is not a rate like '5/h' or '10/15m'.",
            id="clinic_site.E005",
        )
        for name in names
        if not _RATE_RE.match(str(getattr(settings, name, "")).strip())
    ]


@checks.register(checks.Tags.security)
def check_time_traps(app_configs=None, **kwargs):
    """A form that expires before it may be sent would refuse every person: refuse to start instead."""
    errors = []
    for prefix in GUARDED_FORMS:
        shortest = getattr(settings, f"{prefix}_MIN_SECONDS", None)
        longest = getattr(settings, f"{prefix}_MAX_FORM_AGE_SECONDS", None)
        try:
            window = 0 <= shortest < longest
        except TypeError:  # missing, or not a number
            window = False
        if not window:
            errors.append(
                checks.Error(
                    f"{prefix}_MIN_SECONDS ({shortest!r}) must be at least 0 and below "
                    f"{prefix}_MAX_FORM_AGE_SECONDS ({longest!r}).",
                    id="clinic_site.E006",
                )
            )
    return errors


# Pages with anonymous forms (the article page: likes, comments; the inquiry form) are cached whole, so
# they cannot carry a timestamp of their own: each response sets this cookie instead, a signed time and
# a nonce, nothing else. A like counts only from a browser holding a valid one; the comment form's time
# trap reads it (and uses it up) when the form has no ``started`` field of its own; the inquiry form's
# reads it the same way without using it up (its submission token keeps a copy from being stored twice).
PAGE_SHOWN_COOKIE = "page_shown"
PAGE_SHOWN_SALT = "clinic_site.antispam.page_shown"
PAGE_SHOWN_MAX_AGE = 60 * 60 * 24


def remember_page_shown(response) -> None:
    response.set_cookie(
        PAGE_SHOWN_COOKIE,
        make_time_token(salt=PAGE_SHOWN_SALT),
        max_age=PAGE_SHOWN_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def page_shown_token(request) -> str:
    return request.COOKIES.get(PAGE_SHOWN_COOKIE, "")


def page_was_shown(request) -> bool:
    """Whether this browser holds a valid, unexpired page-shown cookie (however recent)."""
    try:
        check_time_token(
            page_shown_token(request), salt=PAGE_SHOWN_SALT, min_seconds=0, max_age=PAGE_SHOWN_MAX_AGE
        )
    except TimeTrapError:
        return False
    return True

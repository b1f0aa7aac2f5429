"""Spam defences for comments, without third-party CAPTCHAs.

- a honeypot field people never see (bots fill it);
- a time trap: a signed timestamp in the form; too fast is a bot, too old or forged is sent again;
- a rate limit per client that holds across server processes (django-ratelimit on the shared cache),
  keyed by a keyed hash of the client address so no address is ever stored;
- link counting and lists of blocked words and domains (settings), which moderation.py applies.
"""

import re
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.utils.crypto import salted_hmac
from django_ratelimit.core import get_usage

FORM_TOKEN_SALT = "blog.comments.started"
RATE_LIMIT_GROUP = "blog.comments.create"

# What urlize would turn into a link: a scheme, "www." or a bare domain with a common ending.
_LINK_RE = re.compile(
    r"(?:https?://|www\.)[^\s<>\"']+|\b[a-z0-9.-]+\.(?:com|net|org|info|biz|io|ru|xyz|top|ly)\b(?:/[^\s<>\"']*)?",
    re.IGNORECASE,
)


class FormTokenError(Exception):
    """The time-trap token says the form was not filled in by a person in the normal way."""

    TOO_FAST = "too_fast"
    EXPIRED = "expired"
    INVALID = "invalid"

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def make_form_token(*, at: float | None = None) -> str:
    """A signed record of when the form was shown."""
    return signing.dumps({"t": time.time() if at is None else at}, salt=FORM_TOKEN_SALT)


def check_form_token(token: str) -> None:
    """Raise FormTokenError unless the form was shown between MIN_SECONDS and MAX_FORM_AGE ago."""
    try:
        shown_at = float(signing.loads(token or "", salt=FORM_TOKEN_SALT)["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise FormTokenError(FormTokenError.INVALID) from error
    age = time.time() - shown_at
    if age < settings.COMMENTS_MIN_SECONDS:
        raise FormTokenError(FormTokenError.TOO_FAST)
    if age > settings.COMMENTS_MAX_FORM_AGE:
        raise FormTokenError(FormTokenError.EXPIRED)


def client_key(group, request) -> str:
    """A keyed hash of the client's address: enough to count its requests, useless to read back."""
    address = request.META.get("REMOTE_ADDR") or "unknown"
    return salted_hmac("blog.comments.client", address).hexdigest()


def rate_limited(request) -> bool:
    """Count this attempt and say whether the client has gone over COMMENTS_RATE_LIMIT."""
    usage = get_usage(
        request,
        group=RATE_LIMIT_GROUP,
        key=client_key,
        rate=settings.COMMENTS_RATE_LIMIT,
        method="POST",
        increment=True,
    )
    return bool(usage and usage["should_limit"])


def find_links(text: str) -> list[str]:
    return _LINK_RE.findall(text)


def _host(link: str) -> str:
    if "://" not in link:
        link = "http://" + link
    return (urlsplit(link).hostname or "").lower()


def blocked_domains(text: str) -> list[str]:
    """The blocked domains (or their subdomains) that the text links to."""
    blocked = [d.lower().strip() for d in settings.COMMENTS_BLOCKED_DOMAINS if d.strip()]
    found = []
    for link in find_links(text):
        host = _host(link)
        for domain in blocked:
            if (host == domain or host.endswith("." + domain)) and domain not in found:
                found.append(domain)
    return found


def blocked_words(text: str) -> list[str]:
    """The blocked words or phrases in the text, matched as whole words, any case."""
    return [
        word
        for word in settings.COMMENTS_BLOCKED_WORDS
        if word.strip() and re.search(rf"\b{re.escape(word.strip())}\b", text, re.IGNORECASE)
    ]

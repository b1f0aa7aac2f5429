"""Spam defences for comments, without third-party CAPTCHAs.

The honeypot, the time trap and the rate limit are the site's shared ones (clinic_site.antispam),
with the comments' own salt, settings and rate-limit group. Link counting and the lists of blocked
words and domains (settings) are the comments' own; moderation.py applies them.
"""

import re
from urllib.parse import urlsplit

from django.conf import settings

from clinic_site import antispam

FORM_TOKEN_SALT = "blog.comments.started"  # the salt is kept: forms shown before the move stay valid
RATE_LIMIT_GROUP = "blog.comments.create"

# What urlize would turn into a link: a scheme, "www." or a bare domain with a common ending.
_LINK_RE = re.compile(
    r"(?:https?://|www\.)[^\s<>\"']+|\b[a-z0-9.-]+\.(?:com|net|org|info|biz|io|ru|xyz|top|ly)\b(?:/[^\s<>\"']*)?",
    re.IGNORECASE,
)

FormTokenError = antispam.TimeTrapError


def make_form_token(*, at: float | None = None) -> str:
    """A signed record of when the comment form was shown."""
    return antispam.make_time_token(salt=FORM_TOKEN_SALT, at=at)


def check_form_token(token: str) -> None:
    """Raise FormTokenError unless the form was shown between MIN_SECONDS and MAX_FORM_AGE ago."""
    antispam.check_time_token(
        token,
        salt=FORM_TOKEN_SALT,
        min_seconds=settings.COMMENTS_MIN_SECONDS,
        max_age=settings.COMMENTS_MAX_FORM_AGE,
    )


def check_page_shown(request) -> None:
    """The same check for the form on the (cached) article page, which carries no timestamp: the
    page-shown cookie that page set (clinic_site.antispam) says when the form was shown."""
    antispam.check_time_token(
        antispam.page_shown_token(request),
        salt=antispam.PAGE_SHOWN_SALT,
        min_seconds=settings.COMMENTS_MIN_SECONDS,
        max_age=settings.COMMENTS_MAX_FORM_AGE,
    )


def rate_limited(request) -> bool:
    """Count this attempt and say whether the client has gone over COMMENTS_RATE_LIMIT."""
    return antispam.rate_limited(request, group=RATE_LIMIT_GROUP, rate=settings.COMMENTS_RATE_LIMIT)


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

"""Spam defences for comments, without third-party CAPTCHAs.

The honeypot, the time trap and the rate limit are the site's shared ones (clinic_site.antispam),
declared once for comments as ``GUARD`` (``CommentForm.guard``), as the inquiry form declares its own.
Link counting and the lists of blocked words and domains (settings) are the comments' own;
moderation.py applies them.
"""

import functools
import re
import unicodedata
from urllib.parse import urlsplit

from confusable_homoglyphs import categories, confusables
from django.conf import settings

from clinic_site import antispam

# The comment form's time trap and rate limit; the salt and group are kept from before the move, so
# forms already open in a browser stay valid.
GUARD = antispam.FormGuard(
    settings_prefix="COMMENTS", salt="blog.comments.started", rate_group="blog.comments.create"
)

# What urlize would turn into a link: a scheme, "www." or a bare domain with a common ending.
_LINK_RE = re.compile(
    r"(?:https?://|www\.)[^\s<>\"']+|\b[a-z0-9.-]+\.(?:com|net|org|info|biz|io|ru|xyz|top|ly)\b(?:/[^\s<>\"']*)?",
    re.IGNORECASE,
)


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


def has_invisible_characters(text: str) -> bool:
    """Format characters (zero-width spaces, soft hyphens, direction overrides) have no place in a
    name: they hide letters or reorder what is shown."""
    return any(unicodedata.category(char) == "Cf" for char in text)


@functools.cache
def latin_lookalike(char: str) -> str:
    """The Latin letter a letter of another alphabet is drawn like (a Cyrillic Te, U+0422, is a "T"), or the
    character itself."""
    if not char.isalpha() or categories.alias(char) in ("LATIN", "COMMON"):
        return char
    found = confusables.is_confusable(char, greedy=True, preferred_aliases=["latin"])
    for homoglyph in found[0]["homoglyphs"] if found else ():
        if len(homoglyph["c"]) == 1 and homoglyph["n"].startswith("LATIN "):
            return homoglyph["c"]
    return char


def normalize_name(name: str) -> str:
    """A name as compared for reservation: no accents, no case, no invisible characters, letters of
    other alphabets read as the Latin ones they look like, words separated by single spaces."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(
        latin_lookalike(char)
        for char in decomposed
        if not unicodedata.combining(char) and unicodedata.category(char) != "Cf"
    ).casefold()
    return " ".join(re.findall(r"[^\W_]+", plain))


def reserved_name_in(name: str, reserved: list[str]) -> str | None:
    """The first reserved name that ``name`` uses, if any: as the whole name or words within it, or
    spelled with its letters run together or spaced out ("T.i.d.e.w.a.t.e.r", "MayaOkafor")."""
    normal = normalize_name(name)
    padded, squashed = f" {normal} ", normal.replace(" ", "")
    for candidate in reserved:
        wanted = normalize_name(candidate)
        if wanted and (f" {wanted} " in padded or wanted.replace(" ", "") in squashed):
            return candidate
    return None


def mixes_lookalike_scripts(name: str) -> bool:
    """Letters of several alphabets that look alike (a Cyrillic "a", U+0430, among Latin letters): the usual
    way to write a reserved name that no comparison of letters would catch."""
    return bool(confusables.is_dangerous(name))

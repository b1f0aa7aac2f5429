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

from confusable_homoglyphs import confusables
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


def _plain(text: str) -> str:
    """``text`` in compatibility form without its accents or invisible characters."""
    return "".join(
        char
        for char in unicodedata.normalize("NFKD", text)
        if not unicodedata.combining(char) and unicodedata.category(char) != "Cf"
    )


def _representative(group: set[str]) -> str:
    """The character a group of look-alikes is read as: a small Latin letter where the group has one
    ("l" for "l", "I" and "1"), else a Latin capital ("O" for "O" and "0"), a digit, the first."""
    for wanted in (str.islower, str.isupper, str.isdigit):
        found = sorted(char for char in group if char.isascii() and char.isalnum() and wanted(char))
        if found:
            return found[0]
    return min(group)


@functools.cache
def _lookalike_table() -> dict[str, str]:
    """Each character of confusable-homoglyphs' table (Unicode's confusables) mapped to the one its
    group of look-alikes is read as; a group is every character linked to another by the table.
    Letters and digits only; characters that compatibility form already rewrites (a long s is an
    "s") are left to it. Case counts here: a capital "I" looks like an "l", a small "i" does not."""
    parent: dict[str, str] = {}

    def root(char: str) -> str:
        while parent.setdefault(char, char) != char:
            parent[char] = parent[parent[char]]
            char = parent[char]
        return char

    for char, entries in confusables.confusables_data.items():
        if len(char) != 1 or not char.isalnum() or _plain(char) != char:
            continue
        for entry in entries:
            # Accents off ("o" with a stroke overlay is an "o"), but no compatibility rewriting.
            decomposed = unicodedata.normalize("NFD", entry["c"])
            other = "".join(c for c in decomposed if not unicodedata.combining(c))
            if len(other) == 1 and other.isalnum():
                parent[root(char)] = root(other)
    groups: dict[str, set[str]] = {}
    for char in parent:
        groups.setdefault(root(char), set()).add(char)
    return {char: _representative(group) for group in groups.values() for char in group}


def _read(text: str) -> str:
    """Each character read as the one it looks like, then without case; words separated by single
    spaces."""
    table = _lookalike_table()
    read = "".join(table.get(char, char) for char in text).casefold()
    return " ".join(re.findall(r"[^\W_]+", read))


@functools.lru_cache(maxsize=4096)  # the reserved names are read again for every comment checked
def name_readings(name: str) -> tuple[str, ...]:
    """A name as compared for reservation, without accents, invisible characters or case, each
    character read as the one it looks like, in two readings: in lower case (so "\u0410\u041d\u041d\u0410"
    is "\u0410\u043d\u043d\u0430" in any alphabet, and a Cyrillic "\u0430" is an "a"), and as typed (a
    capital "I" is drawn like an "l", a zero like an "O"). The first is ``normalize_name``."""
    plain = _plain(name)
    return tuple(dict.fromkeys((_read(plain.casefold()), _read(plain))))


def normalize_name(name: str) -> str:
    """A name in its lower-case reading (``name_readings``): one string, as ``Comment.name_key`` keeps
    it ("Dana R", "dana  r." and "Dana R." are one)."""
    return name_readings(name)[0]


def reserved_name_in(name: str, reserved: list[str]) -> str | None:
    """The first reserved name that ``name`` uses in either reading, if any: as the whole name or
    words within it, or spelled with its letters run together or spaced out ("T.i.d.e.w.a.t.e.r",
    "MayaOkafor"), from the start of one of its words to the end of one (so neither "Sandra Okafor"
    nor "Dr Ramanathan" is held for "Dra Okafor" or "Dr Raman")."""
    readings = []
    for reading in name_readings(name):
        words = reading.split()
        ends = [sum(len(word) for word in words[: index + 1]) for index in range(len(words))]
        readings.append((f" {reading} ", "".join(words), {0, *ends[:-1]}, set(ends)))
    for candidate in reserved:
        for wanted in name_readings(candidate):
            run_together = wanted.replace(" ", "")
            if wanted and any(
                f" {wanted} " in padded
                or any(
                    squashed.startswith(run_together, at) and at + len(run_together) in ends for at in starts
                )
                for padded, squashed, starts, ends in readings
            ):
                return candidate
    return None


def mixes_lookalike_scripts(name: str) -> bool:
    """Letters of several alphabets that look alike (a Cyrillic "a", U+0430, among Latin letters): the usual
    way to write a reserved name that no comparison of letters would catch."""
    return bool(confusables.is_dangerous(name))

"""A fixed-window rate limit per client, kept in the shared cache so every process sees one count."""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

PERIODS = {"s": 1, "m": 60, "h": 60 * 60, "d": 60 * 60 * 24}


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int


def parse_rate(value: str) -> Rate:
    """``"5/h"`` is five per hour; ``"10/15m"`` ten per quarter hour."""
    try:
        count, period = value.strip().split("/")
        unit = period[-1]
        multiplier = int(period[:-1] or 1)
        return Rate(count=int(count), seconds=multiplier * PERIODS[unit])
    except (ValueError, KeyError, IndexError):
        raise ImproperlyConfigured(f"INQUIRIES_RATE_LIMIT {value!r} is not like '5/h'.") from None


def client_key(request, scope: str) -> str:
    # A hash, so no address is stored in the cache in clear.
    address = request.META.get("REMOTE_ADDR", "")
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{digest}"


def hit(request, scope: str, rate: Rate) -> bool:
    """Count one attempt; True while the client is within the limit."""
    key = client_key(request, scope)
    cache.add(key, 0, timeout=rate.seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=rate.seconds)
        count = 1
    return count <= rate.count

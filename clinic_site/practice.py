"""The practice's record as every page, email and structured-data block reads it: ``current()``.

One row (``Practice``, django-solo), made by migration 0005 from the CLINIC_* environment variables.
Should it be missing (a flushed test database), ``current()`` answers with those defaults unsaved:
reading never writes, so no GET changes the database. With
a shared cache (the machine's file cache, or Redis) it is read from the cache, one round trip, and
dropped from it whenever the row is saved, so a change in the admin shows at once in every process.
With a per-process local-memory cache it is read from the database (one primary-key query): another
worker's copy could not be dropped. A cache that does not answer costs the database read, never the page.
"""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Practice

logger = logging.getLogger(__name__)

CACHE_KEY = "practice:record:v1"


def _cached() -> bool:
    return settings.PRACTICE_CACHED


def _read() -> Practice:
    return Practice.objects.filter(pk=Practice.singleton_instance_id).first() or Practice()


def current() -> Practice:
    """The practice; without a row, an unsaved one with the environment's first-run values."""
    if _cached():
        try:
            practice = cache.get(CACHE_KEY)
        except Exception:  # the cache is down: the database still knows
            logger.warning("The cache did not answer; the practice is read from the database.")
            return _read()
        if practice is not None:
            return practice
    practice = _read()
    if _cached():
        _store(practice)
    return practice


def _store(practice: Practice) -> None:
    try:
        cache.set(CACHE_KEY, practice, None)
    except Exception:
        logger.warning("The cache did not answer; the practice was not cached.")


def retire() -> None:
    """Drop the cached copy (every save does; a cache that is down has none worth keeping)."""
    try:
        cache.delete(CACHE_KEY)
    except Exception:
        logger.warning("The cache did not answer; the cached practice could not be dropped.")


@receiver(post_save, sender=Practice, dispatch_uid="practice.retire.save")
@receiver(post_delete, sender=Practice, dispatch_uid="practice.retire.delete")
def _retire_on_change(**kwargs) -> None:
    retire()


def otp_issuer(device) -> str:
    """The issuer an authenticator app shows next to a staff account (OTP_TOTP_ISSUER): the practice's
    name when the app was set up. Apps keep the name they were given; a later rename does not reach them."""
    return current().name

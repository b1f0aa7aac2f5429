"""Start-up checks: an inquiry that no rule matches must reach a staff account, never a shared mailbox."""

from django.conf import settings
from django.core import checks
from django.db import DatabaseError

from .models import HandlerScope

HINT = (
    "Set INQUIRIES_FALLBACK_USERNAME to an active staff account in the \u201cInquiry handlers\u201d "
    "group (or a superuser) that has an email address."
)


@checks.register(checks.Tags.security, deploy=False)
def check_fallback_configured(app_configs=None, **kwargs):
    """Without DEBUG, someone must be named to take the inquiries no routing rule matches."""
    errors = []
    if not settings.DEBUG and not settings.INQUIRIES_FALLBACK_USERNAME:
        errors.append(checks.Error("INQUIRIES_FALLBACK_USERNAME is not set.", hint=HINT, id="inquiries.E001"))
    if settings.INQUIRIES_FALLBACK_EMAIL_SET:
        errors.append(
            checks.Warning(
                "INQUIRIES_FALLBACK_EMAIL is no longer read: inquiries go to staff accounts only.",
                hint="Remove it; " + HINT,
                id="inquiries.W001",
            )
        )
    if settings.INQUIRIES_HANDLER_SCOPE not in HandlerScope.values:
        errors.append(
            checks.Error(
                f"INQUIRIES_HANDLER_SCOPE {settings.INQUIRIES_HANDLER_SCOPE!r} is not one of "
                f"{', '.join(HandlerScope.values)}.",
                id="inquiries.E003",
            )
        )
    return errors


@checks.register(checks.Tags.database)
def check_fallback_account(app_configs=None, databases=None, **kwargs):
    """The named account exists and can take inquiries (run by migrate and ``check --database``).

    A database without any account yet (a fresh install, before createsuperuser) is not refused:
    nobody could be named in it.
    """
    if settings.DEBUG or not settings.INQUIRIES_FALLBACK_USERNAME or not databases:
        return []
    from django.contrib.auth import get_user_model

    from .services import fallback_user

    try:
        if not get_user_model().objects.exists():
            return []
        if fallback_user() is not None:
            return []
    except DatabaseError:  # the tables are not there yet (before the first migrate)
        return []
    return [
        checks.Error(
            f"INQUIRIES_FALLBACK_USERNAME {settings.INQUIRIES_FALLBACK_USERNAME!r} names no active "
            "inquiry handler with an email address.",
            hint=HINT,
            id="inquiries.E002",
        )
    ]

import re
from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html

from clinic_site.durations import format_duration

register = template.Library()


@register.filter
def tel_href(phone: str) -> str:
    """A tel: link target from a phone number as people write it: "(555) 010-2040" -> "tel:5550102040"."""
    return "tel:" + re.sub(r"[^\d+]", "", phone or "")


@register.filter
def signature_link(clinician) -> str:
    """A clinician's name and credentials, linked to their team page when the practice shows it."""
    if clinician.show_on_team_page:
        return format_html('<a href="{}">{}</a>', clinician.get_absolute_url(), clinician.signature)
    return format_html("{}", clinician.signature)


@register.filter
def html_datetime(value) -> str:
    """A moment for a ``<time datetime>`` attribute: ISO 8601 in the site's time zone, to the second.

    Django's ``date:'c'`` writes microseconds, six digits, and HTML allows at most three.
    """
    if not isinstance(value, datetime):
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.isoformat(timespec="seconds")


@register.filter
def duration(value) -> str:
    """A timedelta as people read it ("3 h 10 min"): clinic_site.durations.format_duration."""
    return format_duration(value)

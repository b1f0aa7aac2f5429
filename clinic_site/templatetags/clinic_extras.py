import re
from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html

from clinic_site import i18n
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


@register.filter
def placed(messages, place: str) -> list:
    """The flash messages said at ``place`` in the page.

    A view that sends the reader back to a part of a page (``#comments``) puts its message there, in
    view where the reader lands, not under the page's header: ``extra_tags`` names the place, the id
    the link's fragment lands on. The view showing that page lists the places it shows in its
    context's ``message_places``; ``unplaced`` gives the header the rest.
    """
    return [message for message in messages or () if message.extra_tags == place]


@register.filter
def unplaced(messages, places=()) -> list:
    """The flash messages said under the page's header: those with no place, and those whose place
    this page does not show (an article gone since, a comment on another page), so none is lost."""
    places = places or ()
    return [message for message in messages or () if message.extra_tags not in places]


@register.inclusion_tag("includes/language_links.html", takes_context=True)
def language_switcher(context):
    """Plain links to this page in the other languages (no form, no script, nothing per reader)."""
    request = context.get("request")
    if request is None or getattr(request, "resolver_match", None) is None:
        return {"links": []}
    return {
        "links": [
            {"code": code, "name": i18n.language_name(code), "url": i18n.page_in(request, code)}
            for code in i18n.other_languages()
        ]
    }


@register.simple_tag(takes_context=True)
def language_alternates(context):
    """``(hreflang, URL)`` of this page in each language (a view may name its own: ``language_versions``)."""
    request = context.get("request")
    if request is None:
        return []
    return i18n.alternates(request, context.get("language_versions"))

from django import template

from inquiries.models import Inquiry, is_inquiry_handler

register = template.Library()

SUMMARY_DAYS = 30


@register.inclusion_tag("inquiries/admin/summary.html", takes_context=True)
def inquiries_summary(context):
    """Open inquiries and the recent median wait for a first response (written as every duration
    is, clinic_site.durations), for those who may see them."""
    request = context.get("request")
    if request is None or not is_inquiry_handler(request.user):
        return {"visible": False}
    visible = Inquiry.objects.visible_to(request.user)  # under INQUIRIES_HANDLER_SCOPE=mine, theirs
    return {
        "visible": True,
        "open_count": visible.open().count(),
        "median_wait": visible.median_first_response(days=SUMMARY_DAYS),  # spam left out
        "days": SUMMARY_DAYS,
    }

import re

from django import template

register = template.Library()


@register.filter
def tel_href(phone: str) -> str:
    """A tel: link target from a phone number as people write it: "(555) 010-2040" -> "tel:5550102040"."""
    return "tel:" + re.sub(r"[^\d+]", "", phone or "")

from django import template
from django.contrib.admin.templatetags.base import InclusionAdminNode

from clinic_site import admin_lists

register = template.Library()


@register.tag(name="indexed_date_hierarchy")
def indexed_date_hierarchy_tag(parser, token):
    """``{% indexed_date_hierarchy cl %}``: Django's date drill-down, its periods found by index
    probes (clinic_site.admin_lists) instead of a read of the whole list."""
    return InclusionAdminNode(
        parser,
        token,
        func=admin_lists.date_hierarchy,
        template_name="date_hierarchy.html",
        takes_context=False,
    )

from django import template

from blog.models import Article

register = template.Library()

OVERDUE_LISTED = 10


@register.inclusion_tag("admin/blog/_reviews_overdue.html", takes_context=True)
def reviews_overdue_summary(context):
    """Articles whose clinical review is overdue, for the admin index of those who edit articles."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.has_perm("blog.change_article"):
        return {"show": False}
    overdue = Article.objects.review_overdue().select_related("reviewer").order_by("review_due_on", "pk")
    return {
        "show": True,
        "articles": list(overdue[:OVERDUE_LISTED]),
        "total": overdue.count(),
    }

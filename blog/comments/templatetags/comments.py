from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.html import urlize
from django.utils.safestring import mark_safe

from .. import threads
from ..forms import CommentForm
from ..models import Comment
from ..moderation import comments_open

register = template.Library()

REL = 'rel="nofollow ugc noopener"'


@register.filter(is_safe=True)
def comment_text(text):
    """A comment's plain text as HTML: everything escaped, links made safe, line breaks kept."""
    # urlize escapes all the text around the links; the only rel="nofollow" left is its own.
    html = urlize(text, trim_url_limit=60, nofollow=True, autoescape=True)
    html = html.replace('rel="nofollow"', REL)
    return linebreaksbr(mark_safe(html), autoescape=False)


@register.simple_tag
def comment_count(article):
    """The number of approved comments (from the same cache as the thread)."""
    return threads.approved_count(article)


@register.inclusion_tag("comments/_comments.html", takes_context=True)
def article_comments(context, article):
    """The thread of approved comments and the form, for an article page."""
    request = context.get("request")
    params = request.GET if request is not None else {}
    reply_to = None
    wanted = params.get("reply_to", "")
    if wanted.isascii() and wanted.isdecimal():
        reply_to = Comment.objects.approved().filter(article=article, pk=int(wanted)).first()
    # The page may be cached whole (blog.pagecache): its form has no timestamp of its own; the
    # page's response sets the page-shown cookie instead.
    form = CommentForm(
        article=article, initial={"parent": reply_to.pk if reply_to else None}, with_time_token=False
    )
    return {
        "article": article,
        "request": request,
        "thread_html": threads.thread_html(article),
        "count": threads.approved_count(article),
        "comments_open": comments_open(article),
        "form": form,
        "reply_to": reply_to,
        "pending_notice": params.get("comment") == "pending",
    }


@register.inclusion_tag("admin/comments/_pending_summary.html", takes_context=True)
def pending_comments_summary(context):
    """How many comments wait for a moderator, for the admin index (only for those who may see them)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.has_perm("comments.view_comment"):
        return {"show": False}
    return {"show": True, "pending": Comment.objects.pending().count()}

from django import template
from django.conf import settings
from django.template.defaultfilters import linebreaksbr
from django.template.loader import render_to_string
from django.utils.html import urlize
from django.utils.safestring import mark_safe

from clinic_site.templatetags.clinic_extras import placed

from .. import authorship, threads, verification
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
    """The number of public comments (from the same cache as the thread's first page)."""
    return threads.approved_count(article)


@register.inclusion_tag("comments/_comments.html", takes_context=True)
def article_comments(context, article, comment_page=None):
    """A page of the thread of approved comments, and the form, for an article page.

    What depends on the browser is shown only to a request that carries the cookie it depends on:
    its recent comments to change (a page the page cache never serves nor stores), the reply-email
    box for a confirmed address (swapped into the shared page, blog.pagecache).
    """
    request = context.get("request")
    params = request.GET if request is not None else {}
    reply_to = None
    wanted = params.get("reply_to", "")
    if wanted.isascii() and wanted.isdecimal():
        reply_to = Comment.objects.public().filter(article=article, pk=int(wanted)).first()
    # The page may be cached whole (blog.pagecache): its form has no timestamp of its own; the
    # page's response sets the page-shown cookie instead.
    form = CommentForm(
        article=article, initial={"parent": reply_to.pk if reply_to else None}, with_time_token=False
    )
    comment_page = comment_page or threads.page(article)
    messages = context.get("messages")
    # A flash message about one comment (its like, its publication) is said at that comment.
    at_comments = {message.extra_tags for message in messages or ()} & comment_page.anchors
    notes = {
        anchor: render_to_string("includes/placed_messages.html", {"messages": placed(messages, anchor)})
        for anchor in at_comments
    }
    return {
        "article": article,
        "request": request,
        "comment_page": comment_page,
        "thread_html": comment_page.html_with(notes),
        "count": comment_page.count,
        "my_comments": authorship.recent_in_browser(request, article) if request is not None else [],
        # The shared article page offers it to nobody: it swaps the box in (blog.pagecache).
        "offer_reply_emails": request is not None
        and not context.get("shared_page")
        and bool(verification.browser_verified_address_key(request)),
        "settings_edit_minutes": settings.COMMENTS_EDIT_MINUTES,
        "comments_open": comments_open(article),
        "form": form,
        "reply_to": reply_to,
        # The flash messages of the views that send the reader back here (clinic_extras.placed).
        "messages": messages,
    }


@register.inclusion_tag("admin/comments/_pending_summary.html", takes_context=True)
def pending_comments_summary(context):
    """How many comments wait for a moderator, for the admin index (only for those who may see them)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.has_perm("comments.view_comment"):
        return {"show": False}
    return {"show": True, "pending": Comment.objects.pending().count()}

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse_lazy
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView
from django.views.generic.edit import FormView

from clinic_site.http import HttpResponseSeeOther
from clinic_site.origin import same_origin_only

from . import moderation, pagecache, services, spam
from .browser import browser_key, browser_token, new_browser_token, remember_browser
from .forms import CommentForm
from .metadata import article_structured_data
from .models import Article, Comment, Condition

RECENT_ARTICLES = 5
RELATED_ARTICLES = 4
MAX_QUERY_LENGTH = 200


class ArticleListView(ListView):
    """Newest first; ``?q=`` searches, ``?condition=<slug>`` narrows to one condition."""

    paginate_by = 10

    def get_queryset(self):
        self.query = self.request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
        self.condition_slug = self.request.GET.get("condition", "").strip()
        self.condition = (
            Condition.objects.filter(slug=self.condition_slug).first() if self.condition_slug else None
        )
        articles = Article.objects.published().search(self.query)
        if self.condition:
            articles = articles.filter(conditions=self.condition)
        return articles.with_people().prefetch_related("conditions")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            query=self.query,
            condition=self.condition,
            unknown_condition=bool(self.condition_slug) and self.condition is None,
            conditions=Condition.objects.all(),
            **kwargs,
        )


class ArticleDetailView(DetailView):
    """The article. Staff also see drafts and scheduled articles here, marked as a preview."""

    def get_queryset(self):
        return Article.objects.visible_to(self.request.user).with_people().prefetch_related("conditions")

    def get(self, request, *args, **kwargs):
        cacheable = pagecache.is_cacheable_request(request)
        page = pagecache.get(kwargs["slug"]) if cacheable else None
        if page is not None:
            services.record_cached_view(page.article_id, request)
            response = pagecache.respond(page, request)
        else:
            self.object = self.get_object()
            services.record_view(self.object, request)
            response = self.render_to_response(self.get_context_data(object=self.object)).render()
            if not self.object.is_public:
                add_never_cache_headers(response)
            elif cacheable:
                pagecache.store(self.object.slug, self.object.pk, response)
        spam.remember_form_shown(response)
        return response

    def get_context_data(self, **kwargs):
        article = self.object
        published = Article.objects.published().with_people()
        token = browser_token(self.request)
        conditions = list(article.conditions.all())
        ask = {"article": article.slug}
        if conditions:
            ask["condition"] = conditions[0].slug
        return super().get_context_data(
            is_preview=not article.is_public,
            conditions=conditions,
            view_count=services.displayed_view_count(article),
            liked=services.has_liked(article, browser_key=browser_key(token) if token else None),
            related_articles=published.related_to(article)[:RELATED_ARTICLES],
            recent_articles=published.exclude(pk=article.pk)[:RECENT_ARTICLES],
            ask_query=urlencode(ask),
            absolute_url=self.request.build_absolute_uri(article.get_absolute_url()),
            cover_url=self.request.build_absolute_uri(article.cover_image.url) if article.cover_image else "",
            structured_data=article_structured_data(article, self.request),
            **kwargs,
        )


@method_decorator(same_origin_only, name="dispatch")
class ArticleLikeView(View):
    """POST only: the like button is a form, so it works without JavaScript."""

    http_method_names = ["post"]

    def post(self, request, slug):
        article = get_object_or_404(Article.objects.published(), slug=slug)
        token = browser_token(request) or new_browser_token()
        if services.like_article(article, browser_key=browser_key(token)):
            messages.success(request, _("Thank you: your like is counted."))
        else:
            messages.info(request, _("You already like this article."))
        response = redirect(article.get_absolute_url() + "#like")
        remember_browser(response, token)
        return response


class ConditionListView(ListView):
    def get_queryset(self):
        return Condition.objects.with_published_article_counts()


class ConditionDetailView(DetailView):
    model = Condition

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            articles=Article.objects.published().filter(conditions=self.object).with_people(),
            **kwargs,
        )


class ArticleFeed(Feed):
    feed_type = Atom1Feed
    link = reverse_lazy("blog:article_list")

    def title(self):
        return _("Articles from %(name)s") % {"name": settings.CLINIC_NAME}

    def subtitle(self):
        return _("Patient education from the physical therapists of %(name)s.") % {
            "name": settings.CLINIC_NAME
        }

    def items(self):
        return Article.objects.published().with_people().prefetch_related("conditions")[:20]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_author_name(self, item):
        if item.co_author:
            return _("%(author)s with %(co_author)s") % {
                "author": item.author.signature,
                "co_author": item.co_author.signature,
            }
        return item.author.signature

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [condition.name for condition in item.conditions.all()]


# Comments ---------------------------------------------------------------------------------------
# Appended: the comment views only. The rules live in blog/moderation.py and blog/spam.py.


@method_decorator(same_origin_only, name="dispatch")
class CommentCreateView(FormView):
    """POST a comment; on a mistake, a page of its own with the form, the errors and a way back."""

    form_class = CommentForm
    template_name = "blog/comment_form.html"
    http_method_names = ["get", "post"]

    def dispatch(self, request, *args, **kwargs):
        self.article = get_object_or_404(Article.objects.published(), slug=kwargs["slug"])
        if request.method == "POST":
            if not moderation.comments_open(self.article):
                return self.refuse(gettext("Comments on this article are closed."), status=403)
            if spam.rate_limited(request):
                return self.refuse(
                    gettext("You have sent several comments in a short time. Please wait a few minutes."),
                    status=429,
                    form=self.get_form(),
                )
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return HttpResponseSeeOther(f"{self.article.get_absolute_url()}#comment-form")

    def refuse(self, message, *, status, form=None):
        return self.render_to_response(self.get_context_data(form=form, refusal=message), status=status)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "article": self.article,
            "started_token": self.request.COOKIES.get(spam.STARTED_COOKIE, ""),
        }

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", None)
        return super().get_context_data(article=self.article, **kwargs)

    def form_valid(self, form):
        try:
            comment = moderation.submit_comment(
                article=self.article,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                body=form.cleaned_data["body"],
                parent=form.cleaned_data["parent"],
            )
        except moderation.CommentRejected as rejection:
            form.add_error(None, rejection.message)
            return self.form_invalid(form)
        url = self.article.get_absolute_url()
        if comment.status == Comment.Status.APPROVED:
            messages.success(self.request, gettext("Thanks — your comment is published."))
            return HttpResponseSeeOther(f"{url}#comment-{comment.pk}")
        messages.success(self.request, gettext("Thanks — your comment is awaiting moderation."))
        return HttpResponseSeeOther(f"{url}?comment=pending#comments")

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


@method_decorator(same_origin_only, name="dispatch")
class CommentLikeView(View):
    """One like per browser, without JavaScript or an account; back to the comment afterwards."""

    http_method_names = ["post"]

    def post(self, request, pk):
        comment = get_object_or_404(
            Comment.objects.approved().filter(article__in=Article.objects.published()), pk=pk
        )
        token = browser_token(request) or new_browser_token()
        if moderation.like_comment(comment, browser_key=browser_key(token)):
            messages.success(request, gettext("Thanks for your like."))
        else:
            messages.info(request, gettext("You have already liked this comment."))
        response = HttpResponseSeeOther(comment.get_absolute_url())
        remember_browser(response, token)
        return response

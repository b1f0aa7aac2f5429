from urllib.parse import quote_plus, urlencode

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, ListView

from clinic_site import antispam
from clinic_site.practice import current as current_practice
from clinic_site.siteurl import absolute_url

from . import likes, pagecache, services
from .browser import browser_key, browser_token
from .comments import threads, verification
from .comments.forms import CommentForm
from .metadata import article_structured_data, condition_structured_data
from .models import SEARCH_CANDIDATES, Article, Condition, ranked_search

RECENT_ARTICLES = 5
# The id of the article page's like section, where a like's flash message is said (clinic_extras.placed).
LIKE_SECTION = "like"
RELATED_ARTICLES = 4
MAX_QUERY_LENGTH = 200


class ArticleListView(pagecache.SharedPageMixin, ListView):
    """Newest first; ``?q=`` searches, ``?condition=<slug>`` narrows to one condition."""

    paginate_by = 10

    def search_words(self) -> str:
        return self.request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]

    def reader_words(self):
        """Where a search's words show in the page (blog.pagecache masks them in the shared copy):
        the words, escaped, in its text; ``q`` and ``condition`` as typed, URL-encoded as
        ``{% querystring %}`` writes them, in its page links."""
        params = self.request.GET
        return (
            escape(self.search_words()),
            *(quote_plus(params.get(name, "")) for name in ("q", "condition")),
        )

    def get_queryset(self):
        self.query = self.search_words()
        self.condition_slug = self.request.GET.get("condition", "").strip()
        self.condition = (
            Condition.objects.filter(slug=self.condition_slug).first() if self.condition_slug else None
        )
        language = translation.get_language()
        articles = Article.objects.published().for_language(language)
        if self.condition:
            articles = articles.filter(conditions=self.condition)
        self.some_words = False
        if not self.query:
            return self.for_list(articles)
        results, self.some_words = ranked_search(
            articles, self.query, language, lambda ids: self.for_list(Article.objects.filter(pk__in=ids))
        )
        return results

    @staticmethod
    def for_list(articles):
        # A list shows no article's body, and the search document is for the database alone.
        return articles.with_people().prefetch_related("conditions").defer("body", "search_vector")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            query=self.query,
            some_words=self.some_words,
            condition=self.condition,
            unknown_condition=bool(self.condition_slug) and self.condition is None,
            conditions=Condition.objects.all(),
            **kwargs,
        )
        # A search ranks the newest matches only (blog.models.SEARCH_CANDIDATES): the list says so.
        context["results_capped"] = bool(self.query) and context["paginator"].count >= SEARCH_CANDIDATES
        return context


class ArticleDetailView(DetailView):
    """The article. Those who may change articles also see drafts and scheduled ones, marked as a preview."""

    def get_queryset(self):
        return Article.objects.visible_to(self.request.user).with_people().prefetch_related("conditions")

    def get(self, request, *args, **kwargs):
        # The shared page, the same for every reader but for its personal parts (blog.pagecache),
        # unless the reader has a session, a flash message or a comment they may still change.
        self.shared = pagecache.is_cacheable_request(request)
        # The key is read before rendering: a change during the render retires it (blog.pagecache).
        key = pagecache.key_for(kwargs["slug"], request.META.get("QUERY_STRING", "")) if self.shared else ""
        page = pagecache.get(key) if self.shared else None
        response = None
        if page is not None:
            services.record_cached_view(page.article_id, request)
        else:
            self.object = self.get_object()
            self.versions = self.object.published_versions()
            version = self.versions.get(translation.get_language())
            if version is not None and version != self.object:
                # Its translation into the reader's language, among the pages of that language.
                return redirect(version)
            services.record_view(self.object, request)
            self.shared = self.shared and self.object.is_public
            response = self.render_to_response(self.get_context_data(object=self.object)).render()
            if not self.object.is_public:
                add_never_cache_headers(response)
            elif self.shared:
                page = pagecache.store(key, response, **self.personal_parts())
        if page is not None:
            from_cache = response is None
            set_by_render = {} if from_cache else response.cookies
            liked = self.browser_liked(page.article_id)
            reply_emails = bool(verification.browser_verified_address_key(request))
            response = pagecache.personalised(page, request, liked=liked, reply_emails=reply_emails)
            response.cookies.update(set_by_render)
            if from_cache and not (liked or reply_emails):
                # The page as it is kept: SharedPageMiddleware answers it next time.
                response.door = pagecache.article_door(kwargs["slug"], key, page.article_id)
        antispam.remember_page_shown(response)
        return response

    def browser_liked(self, article_id: int) -> bool:
        token = browser_token(self.request)
        return bool(token) and likes.has_liked(Article(pk=article_id), browser_key=browser_key(token))

    def personal_parts(self) -> dict:
        """What the shared page shows in place of its personal parts, rendered for the browsers
        that have them (blog.pagecache.personalised)."""
        article = self.object
        return {
            "article_id": article.pk,
            "liked_section": render_to_string(
                "blog/includes/article_like.html", {"article": article, "liked": True}
            ),
            "reply_emails_field": render_to_string(
                "comments/_reply_emails_field.html",
                {"form": CommentForm(article=article, with_time_token=False)},
            ),
        }

    def get_context_data(self, **kwargs):
        article = self.object
        published = Article.objects.published().for_language(translation.get_language()).with_people()
        token = browser_token(self.request)
        conditions = list(article.conditions.all())
        references = list(article.references.all())
        # The form pre-selects the article's primary condition itself (inquiries.forms).
        try:
            comment_page = threads.page(article, *threads.requested_page(self.request.GET))
        except threads.PageNotFound as error:
            raise Http404(_("There is no such page of comments.")) from error
        ask = {"article": article.slug}
        return super().get_context_data(
            is_preview=not article.is_public,
            message_places={
                threads.SECTION,
                *([LIKE_SECTION] if article.is_public else []),
                *comment_page.anchors,
            },
            conditions=conditions,
            references=references,
            view_count=services.displayed_view_count(article),
            # The shared page is rendered as for a browser that has not liked it (blog.pagecache).
            liked=not self.shared
            and likes.has_liked(article, browser_key=browser_key(token) if token else None),
            shared_page=self.shared,
            related_articles=published.related_to(article)[:RELATED_ARTICLES],
            recent_articles=published.exclude(pk=article.pk)[:RECENT_ARTICLES],
            ask_query=urlencode(ask),
            comment_page=comment_page,
            absolute_url=absolute_url(article.get_canonical_url()),
            language_versions={
                language: version.get_canonical_url() for language, version in self.versions.items()
            },
            untranslated_notice=UNTRANSLATED_NOTICES.get(article.language)
            if article.language != translation.get_language()
            else None,
            site_address=absolute_url("/"),
            cover_url=absolute_url(article.cover_image.url) if article.cover_image else "",
            structured_data=article_structured_data(article, conditions, references),
            **kwargs,
        )


# Above an article shown in another language than the page's (no translation is published yet).
UNTRANSLATED_NOTICES = {
    "en": gettext_lazy(
        "This article has not been translated yet: here it is in English, the language it was written in."
    ),
    "es": gettext_lazy(
        "This article has not been translated yet: here it is in Spanish, the language it was written in."
    ),
}


class ArticleLikeView(likes.LikeView):
    counted_message = gettext_lazy("Thank you: your like is counted.")
    repeated_message = gettext_lazy("You already like this article.")

    def get_target(self):
        return get_object_or_404(Article.objects.published(), slug=self.kwargs["slug"])

    def article_id(self, article):
        return article.pk

    def redirect_url(self, article):
        return f"{article.get_absolute_url()}#{LIKE_SECTION}"

    def messages_place(self, article):
        return LIKE_SECTION

    def retire(self, article):
        pagecache.retire_article(article.slug)


class ConditionListView(pagecache.SharedPageMixin, ListView):
    def get_queryset(self):
        return Condition.objects.with_published_article_counts(translation.get_language())


class ConditionDetailView(pagecache.SharedPageMixin, DetailView):
    model = Condition

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            articles=Article.objects.published()
            .for_language(translation.get_language())
            .filter(conditions=self.object)
            .with_people(),
            structured_data=condition_structured_data(self.object),
            **kwargs,
        )


class ArticleFeed(Feed):
    """The Atom feed; every link in it is absolute on SITE_URL, whatever host the request named."""

    feed_type = Atom1Feed

    def link(self):
        return absolute_url(reverse("blog:article_list"))

    def feed_url(self):
        return absolute_url(reverse("blog:feed"))

    def item_link(self, item):
        return absolute_url(item.get_canonical_url())

    def title(self):
        return _("Articles from %(name)s") % {"name": current_practice().name}

    def subtitle(self):
        return _("Patient education from the physical therapists of %(name)s.") % {
            "name": current_practice().name
        }

    def items(self):
        articles = Article.objects.published().for_language(translation.get_language())
        return articles.with_people().prefetch_related("conditions")[:20]

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

import calendar
import datetime
import math
import operator
import re
import unicodedata
from collections.abc import Callable, Sequence
from functools import reduce

from django.conf import settings
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator, URLValidator
from django.db import connections, models
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from clinic_site.fields import ResponsiveImageField, language_field
from clinic_site.models import Clinician

from .body_images import with_image_sizes
from .sanitize import sanitize_html

WORDS_PER_MINUTE = 200
# The text-search configurations each language's articles are indexed and searched under, a match
# under any of them counting: PostgreSQL's (its stemming and stop words), and for Spanish ours too,
# PostgreSQL's with the accents taken off before stemming, so "liberacion" finds "liberación"
# (migration 0014; English words rarely carry one).
SEARCH_CONFIGS = {"en": ("english",), "es": ("spanish", "clinic_spanish")}
# A search ranks at most this many matches, the newest: a word most articles hold costs the same at
# 10,000 articles as at 500 (the list then says "500 or more").
SEARCH_CANDIDATES = 500
REVIEW_DUE_SOON_DAYS = 30


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later; the month's last day when it is shorter (Jan 31 + 1 = Feb 28)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def search_configs(language: str) -> tuple[str, ...]:
    return SEARCH_CONFIGS.get(language, ("simple",))


def search_document(language: str):
    """The weighted full-text document of an article written in ``language`` (PostgreSQL): its
    title, summary and body, under each of the language's configurations."""
    return reduce(
        operator.add,
        (
            SearchVector("title", weight="A", config=config)
            + SearchVector("summary", weight="B", config=config)
            + SearchVector("body", weight="C", config=config)
            for config in search_configs(language)
        ),
    )


def fold(text: str | None) -> str | None:
    """Text as SQLite's search compares it: lower case, accents off ("Ciática" and "ciatica" alike),
    as PostgreSQL's Spanish search reads words (migration 0014). SQLite's own LIKE folds the case of
    ASCII letters only. Registered on each SQLite connection as ``clinic_fold`` (blog.apps)."""
    if text is None:
        return None
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


class Folded(models.Func):
    """``fold`` in the database: SQLite's registered function; on PostgreSQL, ``unaccent`` (the
    extension of migration 0014) of the lower case."""

    function = "clinic_fold"
    output_field = models.TextField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="unaccent(lower(%(expressions)s))", **extra_context)


# A search typed with a search box's signs: a "quoted phrase", or a -word left out.
_SEARCH_SIGNS = re.compile(r'"|(?:^|\s)-\w')
_WORD = re.compile(r"\w+")


def ranked_search(articles, query: str, language: str, fetch: Callable[[list], models.QuerySet]):
    """``articles`` matching a reader's search, as ``RankedResults``, and whether they hold only
    some of its words: a sentence no article holds whole ("my neck hurts when I sit at my desk")
    gets, on PostgreSQL, the articles holding any of its words instead. Not a search with signs,
    whose left-out words would come back."""
    results = RankedResults(articles.search(query, language), fetch)
    if not results and len(_WORD.findall(query)) > 1 and not _SEARCH_SIGNS.search(query):
        some = RankedResults(articles.search(query, language, any_word=True), fetch)
        if some:
            return some, True
    return results, False


class ConditionQuerySet(models.QuerySet):
    def with_published_article_counts(self, language: str):
        """Each condition with how many articles its page lists for a reader of ``language``: the
        published ones, an article and its translation counted once (``for_language``)."""
        listed = (
            Article.objects.published()
            .for_language(language)
            .filter(conditions=models.OuterRef("pk"))
            .order_by()
            .values("conditions")
            .annotate(count=models.Count("pk"))
            .values("count")
        )
        return self.annotate(published_article_count=Coalesce(models.Subquery(listed), 0))


class Condition(models.Model):
    """A condition the clinic treats; articles discuss them and inquiries are about them."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("short description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = ConditionQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("condition")
        verbose_name_plural = _("conditions")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("blog:condition_detail", kwargs={"slug": self.slug})


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """What the public may see: published, with a publish date that has come."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def scheduled(self):
        return self.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())

    def drafts(self):
        return self.filter(status=Article.Status.DRAFT)

    def visible_to(self, user):
        """Those who may change articles preview drafts and scheduled ones; everyone else, other
        staff included, sees the published ones."""
        if user.is_active and user.is_staff and user.has_perm("blog.change_article"):
            return self.all()
        return self.published()

    def for_language(self, language: str):
        """What a reader of ``language`` is shown: the articles written in it, and the others that
        have no published version in it (offered in their own language, marked as such)."""
        versions_in_language = self.model.objects.published().filter(language=language)
        same_original = (
            models.Q(translation_of=models.OuterRef("pk"))
            | models.Q(pk=models.OuterRef("translation_of"))
            | models.Q(translation_of=models.OuterRef("translation_of"))
        )
        return self.filter(
            models.Q(language=language) | ~models.Exists(versions_in_language.filter(same_original))
        )

    def search(self, query: str, language: str = settings.LANGUAGE_CODE, *, any_word: bool = False):
        """Articles matching a reader's search: the ``SEARCH_CANDIDATES`` newest matches at most,
        best match first. One entry point whatever the database. On PostgreSQL, words stemmed as
        ``language`` has them, every word matching (as a search box reads them: "quoted phrases",
        -left out), or with ``any_word``, any one of them (for a sentence no article holds whole).
        On SQLite, the search as typed, in any case and with or without accents, anywhere in the
        title, summary or body (``any_word`` finds none there)."""
        query = query.strip()
        if not query:
            return self
        if connections[self.db].vendor == "postgresql":
            # Full-text search on each article's stored vector (GIN-indexed, migration 0011): stemmed
            # words, a match in the title ranking above one in the summary, and that above one in the
            # body. Ranking reads every match's vector, so only the newest candidates are ranked.
            from django.contrib.postgres.search import SearchQuery, SearchRank

            configs = search_configs(language)
            words = _WORD.findall(query) if any_word else []
            # Under each configuration, the whole search (as a search box reads it) or, with
            # any_word, each word (stop words, "my", "when", match nothing): a match under any counts.
            search_query = reduce(
                operator.or_,
                [SearchQuery(word, config=config) for word in words for config in configs]
                or [SearchQuery(query, config=config, search_type="websearch") for config in configs],
            )
            candidates = self.filter(search_vector=search_query)
            rank = SearchRank(models.F("search_vector"), search_query)
            order = ("-search_rank", *Article._meta.ordering)
        elif any_word:
            return self.none()  # SQLite's plain contains has no stop words: "my" would match all
        else:
            # A plain contains, whatever the letters' case and accents (``fold``).
            folded = fold(query)
            candidates = self.alias(
                folded_title=Folded("title"), folded_summary=Folded("summary"), folded_body=Folded("body")
            ).filter(
                models.Q(folded_title__contains=folded)
                | models.Q(folded_summary__contains=folded)
                | models.Q(folded_body__contains=folded)
            )
            rank, order = models.Value(0), Article._meta.ordering
        newest = candidates.order_by(*Article._meta.ordering).values("pk")[:SEARCH_CANDIDATES]
        return self.filter(pk__in=newest).annotate(search_rank=rank).order_by(*order)

    def with_people(self):
        return self.select_related("author", "co_author", "reviewer")

    def review_overdue(self, today: datetime.date | None = None):
        """Reviewed once, and the review interval has run out."""
        return self.filter(review_due_on__lt=today or timezone.localdate())

    def review_due_soon(self, today: datetime.date | None = None, days: int = REVIEW_DUE_SOON_DAYS):
        """Due for review within ``days`` (and not yet overdue)."""
        today = today or timezone.localdate()
        return self.filter(review_due_on__gte=today, review_due_on__lte=today + datetime.timedelta(days=days))

    def not_reviewed(self):
        return self.filter(reviewed_on__isnull=True)

    def by_clinician(self, clinician):
        """Those a clinician wrote, co-wrote or reviewed."""
        return self.filter(
            models.Q(author=clinician) | models.Q(co_author=clinician) | models.Q(reviewer=clinician)
        )

    def related_to(self, article):
        """Other articles that discuss at least one of the same conditions. A subquery rather than a
        join: no DISTINCT over whole rows, which at 10,000 articles took half a second."""
        discussing = Article.conditions.through.objects.filter(condition__in=article.conditions.all())
        return self.filter(pk__in=discussing.values("article")).exclude(pk=article.pk)

    def publish_now(self) -> int:
        """Make these articles live now. Articles already live keep their publish date."""
        now = timezone.now()
        live = models.Q(status=Article.Status.PUBLISHED, published_at__lte=now)
        return self.exclude(live).update(status=Article.Status.PUBLISHED, published_at=now)

    def move_to_draft(self) -> int:
        return self.exclude(status=Article.Status.DRAFT).update(status=Article.Status.DRAFT)


class RankedResults(Sequence):
    """A search's results as a paginator reads them: the id of every match in rank order, from one
    query (a search has at most ``SEARCH_CANDIDATES``, so their number is the count with no query of
    its own), and a page's articles fetched by their ids (``fetch``), in that order."""

    def __init__(self, ranked: models.QuerySet, fetch: Callable[[list], models.QuerySet]):
        self.model = ranked.model
        self._ids = list(ranked.values_list("pk", flat=True))
        self._fetch = fetch

    def __len__(self):
        return len(self._ids)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1 or None][0]
        ids = self._ids[index]
        found = {article.pk: article for article in self._fetch(ids)} if ids else {}
        return [found[pk] for pk in ids if pk in found]


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    # An article is written in one language; its translation is an article of its own that names the
    # original here (clinic_site.i18n: readers of the other language are offered the original).
    language = language_field()
    translation_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="translations",
        verbose_name=_("translation of"),
        help_text=_("The original article, when this one is its translation into another language."),
    )
    summary = models.TextField(
        _("summary"), max_length=400, help_text=_("One or two sentences, shown in lists and previews.")
    )
    # A plain TextField: the rich-text editor is only the admin widget, so it can be swapped
    # without a data migration. The HTML is sanitised on every save (see blog.sanitize).
    body = models.TextField(_("body"))
    cover_image = ResponsiveImageField(
        _("cover image"),
        upload_to="covers/%Y/%m/",
        blank=True,
        width_field="cover_width",
        height_field="cover_height",
        variants_field="cover_variants",
    )
    cover_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    cover_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    cover_variants = models.JSONField(null=True, blank=True, editable=False)
    cover_alt = models.CharField(
        _("cover image description"),
        max_length=250,
        blank=True,
        help_text=_("Describe the image for people who cannot see it. Required with a cover image."),
    )
    author = models.ForeignKey(
        Clinician, on_delete=models.PROTECT, related_name="articles", verbose_name=_("author")
    )
    co_author = models.ForeignKey(
        Clinician,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="co_authored_articles",
        verbose_name=_("co-author"),
    )
    conditions = models.ManyToManyField(
        Condition, related_name="articles", blank=True, verbose_name=_("conditions discussed")
    )
    # One of ``conditions`` (the admin form checks it; empty means the first of them, which
    # ensure_primary_condition writes): what "Ask the clinic about this" pre-selects, and so routes by.
    primary_condition = models.ForeignKey(
        Condition,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="primary_for_articles",
        verbose_name=_("primary condition"),
        help_text=_(
            "The condition a patient asking from this article is most likely writing about; one of "
            "the conditions discussed. Empty: the first of them."
        ),
    )
    reviewer = models.ForeignKey(
        Clinician,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewed_articles",
        verbose_name=_("clinical reviewer"),
        help_text=_("A physical therapist (PT or DPT) who checked the article's health content."),
    )
    reviewed_on = models.DateField(_("review date"), null=True, blank=True)
    review_interval_months = models.PositiveSmallIntegerField(
        _("review every (months)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("After this long the article is listed as due for review."),
    )
    # Kept with the row (set on every save) so the admin can filter and list by it on any database.
    review_due_on = models.DateField(_("review due"), null=True, blank=True, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        _("publish date"),
        default=timezone.now,
        help_text=_("A date in the future schedules the article."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    reading_minutes = models.PositiveSmallIntegerField(_("reading time (minutes)"), default=1, editable=False)
    view_count = models.PositiveIntegerField(_("views"), default=0, editable=False)
    like_count = models.PositiveIntegerField(_("likes"), default=0, editable=False)
    # PostgreSQL's full-text document of title, summary and body, stemmed as the article's language
    # is, written by save(); GIN-indexed by migration 0011. Unused (and empty) on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [
            models.Index(fields=["status", "-published_at"], name="article_status_pub_idx"),
            models.Index(fields=["review_due_on"], name="article_review_due_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["translation_of", "language"],
                name="article_one_translation_per_language",
                violation_error_message=_("That article already has a translation in this language."),
            ),
            models.CheckConstraint(
                condition=models.Q(cover_image="") | ~models.Q(cover_alt=""),
                name="article_cover_has_alt",
                violation_error_message=_("A cover image needs a description (alt text)."),
            ),
            models.CheckConstraint(
                condition=models.Q(reviewer__isnull=True, reviewed_on__isnull=True)
                | models.Q(reviewer__isnull=False, reviewed_on__isnull=False),
                name="article_review_has_reviewer_and_date",
                violation_error_message=_("A clinical review needs both a reviewer and a date."),
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.body = with_image_sizes(sanitize_html(self.body))
        self.reading_minutes = self.compute_reading_minutes()
        self.review_due_on = (
            add_months(self.reviewed_on, self.review_interval_months) if self.reviewed_on else None
        )
        super().save(*args, **kwargs)
        if connections[self._state.db].vendor == "postgresql":
            type(self).objects.filter(pk=self.pk).update(search_vector=search_document(self.language))

    def get_absolute_url(self):
        """The article in the current language's pages (a reader of the other language is told it
        is not translated, and given it as it is); see ``get_canonical_url``."""
        return reverse("blog:article_detail", kwargs={"slug": self.slug})

    def get_canonical_url(self):
        """The article among the pages of its own language: what search engines index."""
        with translation.override(self.language):
            return self.get_absolute_url()

    def published_versions(self) -> dict[str, "Article"]:
        """The public versions of this article (itself, its original, their translations) by language."""
        original = self.translation_of_id or self.pk
        same_original = models.Q(pk=original) | models.Q(translation_of=original)
        versions = type(self).objects.published().filter(same_original)
        return {version.language: version for version in versions}

    def clean(self):
        super().clean()
        original = self.translation_of
        if original is not None:
            if original.pk == self.pk or original.translation_of_id:
                raise ValidationError(
                    {"translation_of": _("Choose an original article, not a translation.")},
                    code="translation_of_translation",
                )
            if original.language == self.language:
                raise ValidationError(
                    {"translation_of": _("A translation is in another language than its original.")},
                    code="translation_in_same_language",
                )
        if self.cover_image and not self.cover_alt.strip():
            raise ValidationError(
                {"cover_alt": _("A cover image needs a description (alt text).")}, code="cover_without_alt"
            )
        errors = {}
        if self.reviewer_id and not self.reviewer.is_clinical_reviewer:
            errors["reviewer"] = ValidationError(
                _("%(name)s cannot review clinically: reviewers are physical therapists (PT or DPT).")
                % {"name": self.reviewer.signature},
                code="not_a_clinical_reviewer",
            )
        if self.reviewer_id and not self.reviewed_on:
            errors["reviewed_on"] = ValidationError(
                _("Give the date of the review."), code="review_without_date"
            )
        if self.reviewed_on and not self.reviewer_id:
            errors["reviewer"] = ValidationError(
                _("Name who reviewed the article."), code="review_without_reviewer"
            )
        if self.reviewed_on and self.reviewed_on > timezone.localdate():
            errors["reviewed_on"] = ValidationError(
                _("A review date cannot be in the future."), code="review_in_future"
            )
        if errors:
            raise ValidationError(errors)

    def ensure_primary_condition(self) -> None:
        """After its conditions are saved: keep the primary condition if it is still one of them,
        else take the first of them (or none)."""
        conditions = self.conditions.order_by("order", "name")
        if self.primary_condition_id and conditions.filter(pk=self.primary_condition_id).exists():
            return
        first = conditions.first()
        if (first.pk if first else None) != self.primary_condition_id:
            self.primary_condition = first
            type(self).objects.filter(pk=self.pk).update(primary_condition=first)

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.published_at <= timezone.now()

    @property
    def is_scheduled(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.published_at > timezone.now()

    def compute_reading_minutes(self) -> int:
        words = len(strip_tags(self.body).split())
        return max(1, math.ceil(words / WORDS_PER_MINUTE))

    @property
    def review_is_overdue(self) -> bool:
        return self.review_due_on is not None and self.review_due_on < timezone.localdate()

    @property
    def updated_after_publishing(self) -> bool:
        """Worth an "Updated" line: edited on a later day than it went out."""
        return timezone.localdate(self.updated_at) > timezone.localdate(self.published_at)


DOI_PATTERN = r"^10\.\d{4,9}/\S+$"


class Reference(models.Model):
    """A source an article rests on, listed under it as a numbered reference."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="references", verbose_name=_("article")
    )
    title = models.CharField(_("title"), max_length=300)
    source = models.CharField(
        _("source"),
        max_length=200,
        help_text=_("The journal, publisher or body, e.g. “NICE guideline NG59”."),
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1800), MaxValueValidator(2100)]
    )
    url = models.URLField(
        _("link"),
        max_length=500,
        blank=True,
        validators=[URLValidator(schemes=["https", "http"])],
        help_text=_("Leave empty when the DOI is given: it is linked through doi.org."),
    )
    doi = models.CharField(
        _("DOI"),
        max_length=200,
        blank=True,
        validators=[RegexValidator(DOI_PATTERN, _("A DOI starts with “10.”, e.g. 10.2519/jospt.2017.0302."))],
        help_text=_("e.g. 10.2519/jospt.2017.0302 (a doi.org link is accepted and shortened)."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["article", "order", "id"]
        verbose_name = _("reference")
        verbose_name_plural = _("references")

    def __str__(self):
        return f"{self.title} ({self.source}, {self.year})"

    def get_absolute_url(self):
        return self.article.get_absolute_url() + "#references"

    def clean_fields(self, exclude=None):
        # Before the DOI's validator sees it: a pasted doi.org link is accepted as its DOI.
        self.doi = normalise_doi(self.doi)
        super().clean_fields(exclude=exclude)

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else ""

    @property
    def link(self) -> str:
        """Where a reader follows it: the DOI's resolver first, else the link."""
        return self.doi_url or self.url


def normalise_doi(value: str) -> str:
    """A DOI as people paste it ("doi:10...", "https://doi.org/10...") reduced to the DOI itself."""
    return re.sub(r"^(doi:\s*|https?://(dx\.)?doi\.org/)", "", value.strip(), flags=re.IGNORECASE)


class ArticleLike(models.Model):
    """One browser liked one article (blog.likes). The browser is known only by a hash of its cookie token."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="likes", verbose_name=_("article")
    )
    browser_key = models.CharField(_("browser key"), max_length=64)
    created_at = models.DateTimeField(_("liked at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("article like")
        verbose_name_plural = _("article likes")
        constraints = [
            models.UniqueConstraint(fields=["article", "browser_key"], name="article_like_once_per_browser"),
        ]

    def __str__(self):
        return f"{self.article} ({self.created_at:%Y-%m-%d})"


class EditorImage(models.Model):
    """An image uploaded through the article editor (blog.uploads): its size and its smaller copies
    (clinic_site.images), which blog.body_images writes into the body of an article that shows it
    when the article is saved."""

    name = models.CharField(_("file name"), max_length=255, unique=True)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    # clinic_site.images' record of the copies; null when they could not be made.
    variants = models.JSONField(_("smaller copies"), null=True, blank=True, editable=False)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("editor image")
        verbose_name_plural = _("editor images")

    def __str__(self):
        return self.name

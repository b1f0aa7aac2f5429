from datetime import date, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from blog.models import Article, Condition, add_months
from tests.factories import (
    ArticleEditorFactory,
    ArticleFactory,
    ArticleLikeFactory,
    ClinicianFactory,
    ConditionFactory,
    ReferenceFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles():
    return {
        "published": ArticleFactory(),
        "scheduled": ArticleFactory(published_at=timezone.now() + timedelta(days=3)),
        "draft": ArticleFactory(status=Article.Status.DRAFT),
    }


def test_published_holds_only_articles_whose_date_has_come(articles):
    assert list(Article.objects.published()) == [articles["published"]]


def test_scheduled_holds_published_articles_with_a_future_date(articles):
    assert list(Article.objects.scheduled()) == [articles["scheduled"]]


def test_drafts_holds_drafts(articles):
    assert list(Article.objects.drafts()) == [articles["draft"]]


def test_a_draft_with_a_past_date_is_not_published():
    ArticleFactory(status=Article.Status.DRAFT, published_at=timezone.now() - timedelta(days=9))
    assert not Article.objects.published().exists()


def test_visible_to_anonymous_is_published_only(articles):
    assert list(Article.objects.visible_to(AnonymousUser())) == [articles["published"]]


def test_visible_to_a_signed_in_reader_is_published_only(articles):
    assert list(Article.objects.visible_to(UserFactory())) == [articles["published"]]


def test_visible_to_those_who_may_change_articles_includes_drafts_and_scheduled(articles):
    assert set(Article.objects.visible_to(ArticleEditorFactory())) == set(articles.values())


def test_visible_to_other_staff_is_published_only(articles):
    assert list(Article.objects.visible_to(StaffFactory())) == [articles["published"]]


def test_published_lists_newest_first():
    older = ArticleFactory(published_at=timezone.now() - timedelta(days=5))
    newer = ArticleFactory(published_at=timezone.now() - timedelta(days=1))
    assert list(Article.objects.published()) == [newer, older]


@pytest.mark.parametrize("field", ["title", "summary", "body"])
def test_search_finds_a_word_in_each_text_field(field):
    article = ArticleFactory(**{field: "All about the piriformis muscle"})
    ArticleFactory()
    assert list(Article.objects.published().search("piriformis")) == [article]


def test_search_ignores_case():
    article = ArticleFactory(title="Sciatica in runners")
    assert list(Article.objects.search("SCIATICA")) == [article]


def test_an_empty_search_keeps_everything():
    ArticleFactory.create_batch(2)
    assert Article.objects.search("   ").count() == 2


def test_related_to_shares_a_condition_and_excludes_the_article():
    neck, jaw = ConditionFactory(), ConditionFactory()
    article = ArticleFactory(conditions=[neck, jaw])
    related = ArticleFactory(conditions=[neck, jaw])
    ArticleFactory(conditions=[ConditionFactory()])
    assert list(Article.objects.related_to(article)) == [related]


def test_updated_after_publishing_needs_a_later_day():
    article = ArticleFactory(published_at=timezone.now() - timedelta(days=3))
    assert article.updated_after_publishing
    article.published_at = timezone.now()
    assert not article.updated_after_publishing


def test_condition_counts_only_published_articles():
    condition = ConditionFactory()
    ArticleFactory(conditions=[condition])
    ArticleFactory(conditions=[condition], status=Article.Status.DRAFT)
    ArticleFactory(conditions=[condition], published_at=timezone.now() + timedelta(days=1))
    counted = Condition.objects.with_published_article_counts("en").get(pk=condition.pk)
    assert counted.published_article_count == 1


def test_condition_counts_an_article_and_its_translation_once_as_its_page_lists_them():
    condition = ConditionFactory()
    original = ArticleFactory(conditions=[condition])
    ArticleFactory(conditions=[condition], language="es", translation_of=original)
    ArticleFactory(conditions=[condition], language="es")  # in Spanish only: offered to both
    english = Condition.objects.with_published_article_counts("en").get(pk=condition.pk)
    spanish = Condition.objects.with_published_article_counts("es").get(pk=condition.pk)
    assert english.published_article_count == spanish.published_article_count == 2
    for language in ("en", "es"):
        shown = Article.objects.published().for_language(language).filter(conditions=condition)
        assert shown.count() == 2


def test_a_condition_without_articles_counts_none():
    condition = ConditionFactory()
    assert (
        Condition.objects.with_published_article_counts("en").get(pk=condition.pk).published_article_count
        == 0
    )


def test_a_browser_likes_an_article_only_once_in_the_database():
    like = ArticleLikeFactory()
    with pytest.raises(IntegrityError):
        ArticleLikeFactory(article=like.article, browser_key=like.browser_key)


def test_article_like_str_names_the_article():
    like = ArticleLikeFactory(article__title="Neck pain")
    assert str(like).startswith("Neck pain")


def test_condition_counts_keep_the_clinics_order():
    second = ConditionFactory(name="Aaa", order=2)
    first = ConditionFactory(name="Zzz", order=1)
    assert list(Condition.objects.with_published_article_counts("en")) == [first, second]


# Clinical review and references


@pytest.mark.parametrize(
    ("day", "months", "due"),
    [
        (date(2026, 3, 3), 12, date(2027, 3, 3)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 11, 15), 3, date(2027, 2, 15)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_months_last(day, months, due):
    assert add_months(day, months) == due


def test_the_review_falls_due_its_interval_after_the_review_date():
    article = ArticleFactory(
        reviewer=ClinicianFactory(), reviewed_on=date(2026, 3, 3), review_interval_months=6
    )
    assert article.review_due_on == date(2026, 9, 3)


def test_an_article_never_reviewed_is_not_due():
    assert ArticleFactory().review_due_on is None


def test_overdue_due_soon_and_not_reviewed_are_told_apart():
    today = timezone.localdate()
    reviewer = ClinicianFactory()
    overdue = ArticleFactory(reviewer=reviewer, reviewed_on=today - timedelta(days=400))
    soon = ArticleFactory(reviewer=reviewer, reviewed_on=today - timedelta(days=350))
    fresh = ArticleFactory(reviewer=reviewer, reviewed_on=today)
    never = ArticleFactory()
    assert list(Article.objects.review_overdue()) == [overdue]
    assert list(Article.objects.review_due_soon()) == [soon]
    assert list(Article.objects.not_reviewed()) == [never]
    assert fresh.review_is_overdue is False and overdue.review_is_overdue is True


def test_an_assistant_cannot_be_the_clinical_reviewer():
    article = ArticleFactory.build(
        author=ClinicianFactory(),
        reviewer=ClinicianFactory(role="pta", credentials="PTA"),
        reviewed_on=timezone.localdate(),
    )
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    assert "reviewer" in error.value.message_dict


@pytest.mark.parametrize(
    ("reviewer", "reviewed_on", "field"),
    [
        (True, None, "reviewed_on"),
        (False, date(2026, 3, 3), "reviewer"),
        (True, date(2099, 1, 1), "reviewed_on"),
    ],
)
def test_a_review_needs_a_reviewer_and_a_past_date(reviewer, reviewed_on, field):
    article = ArticleFactory.build(
        author=ClinicianFactory(), reviewer=ClinicianFactory() if reviewer else None, reviewed_on=reviewed_on
    )
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    assert field in error.value.message_dict


def test_the_database_refuses_a_review_date_without_a_reviewer():
    with pytest.raises(IntegrityError):
        ArticleFactory(reviewed_on=date(2026, 3, 3))


@pytest.mark.parametrize(
    "pasted",
    ["10.2519/jospt.2017.0302", "doi:10.2519/jospt.2017.0302", "https://doi.org/10.2519/jospt.2017.0302"],
)
def test_a_doi_is_kept_as_the_doi_however_it_was_pasted(pasted):
    reference = ReferenceFactory.build(article=ArticleFactory(), doi=pasted)
    reference.full_clean()
    assert reference.doi == "10.2519/jospt.2017.0302"
    assert reference.link == "https://doi.org/10.2519/jospt.2017.0302"


@pytest.mark.parametrize(("field", "value"), [("doi", "jospt.2017.0302"), ("url", "javascript:alert(1)")])
def test_a_reference_refuses_what_is_not_a_doi_or_a_web_link(field, value):
    reference = ReferenceFactory.build(article=ArticleFactory(), **{"doi": "", field: value})
    with pytest.raises(ValidationError) as error:
        reference.full_clean()
    assert field in error.value.message_dict

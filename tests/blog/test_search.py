"""ArticleQuerySet.search(): full-text on PostgreSQL, a plain contains on SQLite; one entry point."""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from blog.models import Article
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text ranking and stemming exist on PostgreSQL only"
)


def titles(queryset):
    return [article.title for article in queryset]


def test_finds_a_word_in_the_title():
    ArticleFactory(title="Sciatica and sitting")
    ArticleFactory(title="Jaw pain")
    assert titles(Article.objects.search("sciatica")) == ["Sciatica and sitting"]


def test_finds_a_word_in_the_summary():
    ArticleFactory(title="Desk days", summary="Why the neck stiffens by afternoon.")
    ArticleFactory(title="Jaw pain")
    assert titles(Article.objects.search("neck")) == ["Desk days"]


def test_finds_a_word_in_the_body():
    ArticleFactory(title="Desk days", body="<p>Whiplash recovery takes patience.</p>")
    ArticleFactory(title="Jaw pain")
    assert titles(Article.objects.search("whiplash")) == ["Desk days"]


def test_ignores_letter_case():
    ArticleFactory(title="Fibromyalgia basics")
    assert titles(Article.objects.search("FIBROMYALGIA")) == ["Fibromyalgia basics"]


def test_ignores_the_case_of_accented_letters():
    ArticleFactory(title="ÉPOCA DE CARRERAS")
    ArticleFactory(title="Jaw pain")
    assert titles(Article.objects.search("época")) == ["ÉPOCA DE CARRERAS"]


def test_finds_an_accented_word_in_the_body_typed_without_it():
    ArticleFactory(title="Desk days", body="<p>La ciática empeora sentado.</p>", language="es")
    ArticleFactory(title="Jaw pain", language="es")
    assert titles(Article.objects.search("ciatica", "es")) == ["Desk days"]


def test_blank_query_returns_everything():
    ArticleFactory.create_batch(2)
    assert Article.objects.search("   ").count() == 2


def test_nothing_matches_an_unknown_word():
    ArticleFactory(title="Jaw pain")
    assert not Article.objects.search("carpal").exists()


def test_chains_after_published():
    ArticleFactory(title="Scar tissue, published")
    ArticleFactory(title="Scar tissue, draft", status=Article.Status.DRAFT)
    assert titles(Article.objects.published().search("scar")) == ["Scar tissue, published"]


@postgres_only
def test_postgres_matches_other_forms_of_a_word():
    ArticleFactory(title="Stretching for runners")
    assert titles(Article.objects.search("stretches")) == ["Stretching for runners"]


@postgres_only
def test_postgres_ranks_a_title_match_above_a_body_match():
    ArticleFactory(title="Sleep and recovery", body="<p>Headaches often follow a short night.</p>")
    ArticleFactory(title="Headaches at work", body="<p>Screens, posture and breaks.</p>")
    assert titles(Article.objects.search("headaches")) == ["Headaches at work", "Sleep and recovery"]


@postgres_only
def test_postgres_reads_a_query_like_a_search_box():
    ArticleFactory(title="Back pain at night")
    ArticleFactory(title="Back pain at work")
    assert titles(Article.objects.search("back pain -night")) == ["Back pain at work"]


@postgres_only
def test_postgres_keeps_each_articles_document_in_a_gin_index():
    article = ArticleFactory(title="Sciatica and sitting")
    assert Article.objects.filter(pk=article.pk, search_vector__isnull=False).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'article_search_vector_gin'")
        assert "USING gin (search_vector)" in cursor.fetchone()[0]


@postgres_only
def test_postgres_finds_an_edited_article_by_its_new_words_only():
    article = ArticleFactory(title="Jaw pain")
    article.title = "Carpal tunnel at the keyboard"
    article.save()
    assert titles(Article.objects.search("carpal")) == ["Carpal tunnel at the keyboard"]
    assert not Article.objects.search("jaw").exists()


@postgres_only
def test_postgres_stems_a_spanish_article_as_spanish_for_a_spanish_reader():
    ArticleFactory(title="Estiramientos para el cuello", language="es")
    assert titles(Article.objects.search("estiramiento", "es")) == ["Estiramientos para el cuello"]


@pytest.mark.parametrize("typed", ["liberacion", "liberación", "LIBERACIÓN", "Liberacion"])
def test_finds_spanish_words_typed_with_or_without_their_accents(client, typed):
    ArticleFactory(title="La liberación miofascial, explicada", language="es")
    ArticleFactory(title="La ciática al sentarse", language="es")
    assert titles(Article.objects.search(typed, "es")) == ["La liberación miofascial, explicada"]
    page = client.get("/es" + reverse("blog:article_list"), {"q": "ciatica"}).content.decode()
    assert "La ciática al sentarse" in page


@postgres_only
@pytest.mark.parametrize(
    ("typed", "title"),
    [
        ("liberaciones", "La liberación miofascial"),  # a plural finds the singular
        ("inflamación", "Inflamaciones de la rodilla"),  # and the singular the plural
    ],
)
def test_postgres_still_finds_other_forms_of_an_accented_spanish_word(typed, title):
    ArticleFactory(title=title, language="es")
    ArticleFactory(title="El cuello", language="es")
    assert titles(Article.objects.search(typed, "es")) == [title]


@postgres_only
def test_postgres_leaves_out_spanish_stop_words_typed_with_their_accents():
    ArticleFactory(title="Dolor de espalda al despertar", language="es")
    assert titles(Article.objects.search("más dolor de espalda", "es")) == ["Dolor de espalda al despertar"]


@postgres_only
def test_postgres_offers_articles_holding_some_words_of_a_sentence_none_holds_whole(client):
    ArticleFactory(title="Neck pain at the desk", body="<p>Small changes to how you sit.</p>")
    ArticleFactory(title="Jaw clicks")
    page = client.get(reverse("blog:article_list"), {"q": "my neck hurts when I sit at my desk"})
    html = page.content.decode()
    assert "Neck pain at the desk" in html
    assert "Jaw clicks" not in html
    assert "No article holds all of these words" in html


@postgres_only
def test_a_search_with_a_word_left_out_never_brings_it_back(client):
    ArticleFactory(title="Neck surgery recovery")
    html = client.get(reverse("blog:article_list"), {"q": "neck pillows -surgery"}).content.decode()
    assert "Neck surgery recovery" not in html
    assert "No article matches" in html


@postgres_only
def test_postgres_says_nothing_of_some_words_when_an_article_holds_them_all(client):
    ArticleFactory(title="Neck pain at the desk")
    ArticleFactory(title="Neck stiffness in the morning")
    html = client.get(reverse("blog:article_list"), {"q": "neck desk"}).content.decode()
    assert "Neck pain at the desk" in html
    assert "Neck stiffness in the morning" not in html
    assert "No article holds all of these words" not in html


@pytest.mark.skipif(
    connection.vendor == "postgresql", reason="PostgreSQL offers the articles holding some of the words"
)
def test_a_sentence_no_article_holds_finds_nothing_on_sqlite_and_says_so(client):
    ArticleFactory(title="Neck pain at the desk")
    html = client.get(reverse("blog:article_list"), {"q": "my neck hurts when I sit"}).content.decode()
    assert "No article matches" in html
    assert "Neck pain at the desk" not in html


@pytest.fixture
def three_candidates(monkeypatch):
    monkeypatch.setattr("blog.models.SEARCH_CANDIDATES", 3)
    monkeypatch.setattr("blog.views.SEARCH_CANDIDATES", 3)


def test_a_word_most_articles_hold_ranks_only_the_newest_matches(three_candidates):
    now = timezone.now()
    for days in range(5):
        ArticleFactory(title=f"Knee pain, {days} days ago", published_at=now - timedelta(days=days))
    ArticleFactory(title="Jaw clicks", published_at=now)
    assert sorted(titles(Article.objects.search("knee"))) == [
        "Knee pain, 0 days ago",
        "Knee pain, 1 days ago",
        "Knee pain, 2 days ago",
    ]


def test_the_list_says_when_a_search_found_more_than_it_ranked(client, three_candidates):
    for _ in range(4):
        ArticleFactory(title="Knee pain")
    page = client.get(reverse("blog:article_list"), {"q": "knee"}).content.decode()
    assert "3 or more articles found" in page
    fewer = client.get(reverse("blog:article_list"), {"q": "jaw"}).content.decode()
    assert "or more" not in fewer

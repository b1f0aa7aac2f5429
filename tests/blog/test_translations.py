"""Articles in two languages: a translation is an article of its own, linked to its original; a
reader of a language it is not in gets it with a notice, or is sent to its translation."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from blog.models import Article
from tests.factories import ArticleFactory, ClinicianFactory, CommentFactory

pytestmark = pytest.mark.django_db


def in_language(language, name, **kwargs):
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


@pytest.fixture
def pair():
    """An English article and its Spanish translation."""
    original = ArticleFactory(slug="neck-stretches", title="Neck stretches", body="<p>Move slowly.</p>")
    spanish = ArticleFactory(
        slug="estiramientos-de-cuello",
        title="Estiramientos de cuello",
        body="<p>Muévase despacio.</p>",
        language="es",
        translation_of=original,
    )
    return original, spanish


def test_each_language_lists_its_own_articles_and_the_untranslated_others(client, pair):
    original, spanish = pair
    untranslated = ArticleFactory(slug="sciatica-basics", title="Sciatica basics")
    english_list = client.get(in_language("en", "blog:article_list")).content.decode()
    spanish_list = client.get(in_language("es", "blog:article_list")).content.decode()
    assert original.title in english_list and untranslated.title in english_list
    assert spanish.title not in english_list
    assert spanish.title in spanish_list and untranslated.title in spanish_list
    assert original.title not in spanish_list
    # The English one is marked as such for the Spanish reader, its title in its own language.
    assert "En inglés" in spanish_list
    assert f'lang="en"><a href="/es/blog/{untranslated.slug}/">' in spanish_list


def test_every_list_of_titles_marks_an_english_one_on_a_spanish_page(client):
    """The sidebar's recent articles and a clinician's pages, as the article cards do: its language
    named, and its title in that language for screen readers (WCAG 3.1.2)."""
    author = ClinicianFactory(show_on_team_page=True)
    spanish = ArticleFactory(slug="rodilla", title="La rodilla", language="es", author=author)
    english = ArticleFactory(slug="sciatica-basics", title="Sciatica basics", author=author)
    marked = (
        f'<a href="/es/blog/{english.slug}/" lang="en">Sciatica basics</a>'
        ' <span class="small text-muted">(En inglés)</span>'
    )
    article_page = client.get(in_language("es", "blog:article_detail", slug=spanish.slug)).content.decode()
    slug = author.slug
    assert marked in article_page.split('id="recent-heading"')[1]
    assert marked in client.get(in_language("es", "team_member", slug=slug)).content.decode()
    english_page = client.get(in_language("en", "team_member", slug=slug)).content.decode()
    assert f'<a href="/blog/{english.slug}/">Sciatica basics</a><br>' in english_page  # as it is


def test_a_draft_translation_leaves_the_original_listed(client, pair):
    original, spanish = pair
    Article.objects.filter(pk=spanish.pk).update(status=Article.Status.DRAFT)
    assert original.title in client.get(in_language("es", "blog:article_list")).content.decode()


def test_an_article_opened_in_the_other_language_goes_to_its_translation(client, pair):
    original, spanish = pair
    response = client.get(in_language("es", "blog:article_detail", slug=original.slug))
    assert response.status_code == 302
    assert response["Location"] == "/es/blog/estiramientos-de-cuello/"
    back = client.get(in_language("en", "blog:article_detail", slug=spanish.slug))
    assert back["Location"] == "/blog/neck-stretches/"


def test_an_untranslated_article_says_so_in_spanish_and_gives_the_english_text(client, settings):
    settings.SITE_URL = "https://clinic.example"
    article = ArticleFactory(slug="sciatica-basics", body="<p>Walk a little every hour.</p>")
    html = client.get(in_language("es", "blog:article_detail", slug=article.slug)).content.decode()
    assert '<html lang="es">' in html
    assert "Este artículo todavía no está traducido al español" in html
    assert '<div class="article-body" lang="en"><p>Walk a little every hour.</p></div>' in html
    # Search engines are pointed at the article in its own language, the only version it has.
    assert '<link rel="canonical" href="https://clinic.example/blog/sciatica-basics/">' in html
    assert 'hreflang="es"' not in html.split("</head>")[0]


def test_an_article_names_its_translation_for_search_engines(client, pair, settings):
    settings.SITE_URL = "https://clinic.example"
    original, _spanish = pair
    head = client.get(in_language("en", "blog:article_detail", slug=original.slug)).content.decode()
    head = head.split("</head>")[0]
    assert '<link rel="alternate" hreflang="en" href="https://clinic.example/blog/neck-stretches/">' in head
    assert (
        '<link rel="alternate" hreflang="es" href="https://clinic.example/es/blog/estiramientos-de-cuello/">'
        in head
    )
    assert (
        '<link rel="alternate" hreflang="x-default" href="https://clinic.example/blog/neck-stretches/">'
        in head
    )


def test_search_looks_in_the_readers_language(client, pair):
    _original, spanish = pair
    spanish_results = client.get(in_language("es", "blog:article_list"), {"q": "despacio"}).content.decode()
    assert spanish.title in spanish_results
    english_results = client.get(in_language("en", "blog:article_list"), {"q": "despacio"}).content.decode()
    assert spanish.title not in english_results


def test_the_sitemap_lists_each_article_at_its_own_languages_url(client, pair, settings):
    settings.SITE_URL = "https://clinic.example"
    xml = client.get(reverse("sitemap")).content.decode()
    assert "<loc>https://clinic.example/blog/neck-stretches/</loc>" in xml
    assert "<loc>https://clinic.example/es/blog/estiramientos-de-cuello/</loc>" in xml
    assert "https://clinic.example/es/blog/neck-stretches/" not in xml


def test_the_spanish_feed_carries_the_spanish_articles(client, pair):
    original, spanish = pair
    feed = client.get(in_language("es", "blog:feed")).content.decode()
    assert spanish.title in feed
    assert original.title not in feed


def test_a_translation_names_an_original_in_another_language():
    original = ArticleFactory(language="en")
    same_language = ArticleFactory.build(language="en", translation_of=original, author=original.author)
    with pytest.raises(ValidationError) as error:
        same_language.clean()
    assert "translation_of" in error.value.message_dict
    translation_ = ArticleFactory(language="es", translation_of=original)
    of_a_translation = ArticleFactory.build(
        language="en", translation_of=translation_, author=original.author
    )
    with pytest.raises(ValidationError):
        of_a_translation.clean()


def test_the_page_cache_keeps_each_language_to_its_own_readers(client, settings):
    settings.BLOG_PAGE_CACHE_SECONDS = 60
    article = ArticleFactory(slug="sciatica-basics")
    spanish_url = in_language("es", "blog:article_detail", slug=article.slug)
    english_url = in_language("en", "blog:article_detail", slug=article.slug)
    assert '<html lang="es">' in client.get(spanish_url).content.decode()  # rendered and cached
    assert '<html lang="en">' in client.get(english_url).content.decode()
    assert '<html lang="es">' in client.get(spanish_url).content.decode()  # from the cache
    assert '<html lang="en">' in client.get(english_url).content.decode()


def test_the_cached_comment_thread_is_in_the_pages_language(client):
    article = ArticleFactory(slug="sciatica-basics")
    CommentFactory(article=article, status="approved")
    english_url = in_language("en", "blog:article_detail", slug=article.slug)
    spanish_url = in_language("es", "blog:article_detail", slug=article.slug)
    assert ">Reply<" in client.get(english_url).content.decode()
    spanish = client.get(spanish_url).content.decode()
    assert ">Reply<" not in spanish
    assert ">Responder<" in spanish


def test_publishing_a_translation_retires_the_cached_page_that_offered_the_original(client, settings):
    settings.BLOG_PAGE_CACHE_SECONDS = 60
    original = ArticleFactory(slug="sciatica-basics")
    url = in_language("es", "blog:article_detail", slug=original.slug)
    assert client.get(url).status_code == 200  # cached with the untranslated notice
    ArticleFactory(slug="ciatica-basica", language="es", translation_of=original)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == "/es/blog/ciatica-basica/"

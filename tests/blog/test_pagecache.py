import gzip

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from blog.comments import moderation
from clinic_site import practice
from tests.blog.comments.helpers import confirm_address
from tests.factories import (
    ArticleEditorFactory,
    ArticleFactory,
    ClinicianFactory,
    CommentFactory,
    ReferenceFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db

READER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"}


def read(client, article, **headers):
    return client.get(article.get_absolute_url(), headers={**READER, **headers})


def test_a_second_anonymous_reader_gets_the_page_without_a_database_query(client, django_assert_num_queries):
    article = ArticleFactory(title="Myofascial release, explained")
    read(Client(), article)
    with django_assert_num_queries(0):
        response = read(client, article)
    assert response.status_code == 200
    assert "Myofascial release, explained" in response.content.decode()


def test_every_anonymous_reader_gets_the_same_page():
    article = ArticleFactory()
    CommentFactory(article=article)
    first = read(Client(), article).content
    assert read(Client(), article).content == first


def test_the_cached_page_is_sent_compressed_to_browsers_that_accept_it(client):
    article = ArticleFactory(title="Neck pain at the desk")
    read(Client(), article)
    response = read(client, article, **{"Accept-Encoding": "gzip, br"})
    assert response["Content-Encoding"] == "gzip"
    assert "Neck pain at the desk" in gzip.decompress(response.content).decode()


def test_views_served_from_the_cache_are_counted(settings):
    settings.BLOG_VIEW_FLUSH_EVERY = 3
    article = ArticleFactory()
    for _ in range(3):
        read(Client(), article)
    article.refresh_from_db()
    assert article.view_count == 3


def test_an_approved_comment_shows_at_once(client):
    article = ArticleFactory()
    comment = CommentFactory(article=article, status="pending", body="Gentle and helpful.")
    assert "Gentle and helpful." not in read(client, article).content.decode()
    moderation.approve(comment, by=StaffFactory())
    assert "Gentle and helpful." in read(Client(), article).content.decode()


def test_an_edited_article_shows_at_once(client):
    article = ArticleFactory(title="Old title")
    read(client, article)
    article.title = "New title"
    article.save()
    assert "New title" in read(Client(), article).content.decode()


def test_a_like_shows_in_the_count_at_once():
    article = ArticleFactory()
    read(Client(), article)
    liker = Client()
    read(liker, article)
    liker.post(reverse("blog:article_like", args=[article.slug]))
    assert "1 like" in read(Client(), article).content.decode()


def test_a_reader_with_a_flash_message_gets_a_page_of_their_own():
    article = ArticleFactory()
    read(Client(), article)
    liker = Client()
    read(liker, article)
    response = liker.post(reverse("blog:article_like", args=[article.slug]), follow=True)
    assert "your like is counted" in response.content.decode()


def test_staff_previews_are_never_cached(client):
    draft = ArticleFactory(status="draft", title="Draft in progress")
    client.force_login(ArticleEditorFactory())
    assert read(client, draft).status_code == 200
    assert read(Client(), draft).status_code == 404


def test_the_page_cache_can_be_turned_off(settings, client):
    settings.BLOG_PAGE_CACHE_SECONDS = 0
    article = ArticleFactory()
    read(Client(), article)
    with CaptureQueriesContext(connection) as queries:
        response = read(client, article)
    assert response.status_code == 200
    assert len(queries) > 0


@pytest.mark.parametrize("host", ["127.0.0.1:6666", "localhost:8443", "localhost"])
def test_requests_naming_other_hosts_never_change_the_page_other_readers_get(settings, host):
    settings.SITE_URL = "https://pt.example"
    article = ArticleFactory()
    for _ in range(3):
        Client().get(article.get_absolute_url(), headers={**READER, "Host": host})
    page = read(Client(), article).content.decode()
    assert host not in page
    canonical = f"https://pt.example{article.get_absolute_url()}"
    assert f'<link rel="canonical" href="{canonical}">' in page
    assert f'<meta property="og:url" content="{canonical}">' in page
    assert f'"url": "{canonical}"' in page or f'"url":"{canonical}"' in page


@pytest.mark.parametrize("url_name", ["blog:feed", "sitemap", "robots"])
def test_feed_sitemap_and_robots_name_the_site_url_whatever_the_host(client, settings, url_name):
    settings.SITE_URL = "https://pt.example"
    ArticleFactory()
    content = client.get(reverse(url_name), headers={"Host": "127.0.0.1:6666"}).content.decode()
    assert "6666" not in content
    assert "https://pt.example/" in content


def test_requests_for_pages_that_do_not_exist_write_nothing_to_the_cache(client, monkeypatch):
    """Otherwise any number of made-up slugs would fill the cache and push out rate-limit counters."""
    from django.core.cache import cache

    practice.current()  # the practice's record is cached once, whatever the page
    writes = []
    for method in ("set", "add", "set_many", "incr"):
        original = getattr(cache, method)
        monkeypatch.setattr(
            cache, method, lambda *a, _o=original, _m=method, **k: writes.append(_m) or _o(*a, **k)
        )
    for n in range(5):
        assert (
            client.get(
                reverse("blog:article_detail", args=[f"no-such-article-{n}"]), headers=READER
            ).status_code
            == 404
        )
    assert writes == []


def test_a_renamed_clinician_shows_on_the_cached_page_at_once(client):
    article = ArticleFactory(author=ClinicianFactory(name="Maya Okafor"))
    read(client, article)
    article.author.name = "Maya Okafor-Lane"
    article.author.save()
    assert "Maya Okafor-Lane" in read(Client(), article).content.decode()


def test_a_new_reference_shows_on_the_cached_page_at_once(client):
    article = ArticleFactory()
    read(client, article)
    ReferenceFactory(article=article, title="Low back pain and sciatica in over 16s")
    assert "Low back pain and sciatica in over 16s" in read(Client(), article).content.decode()


# The other public pages: one shared copy for every reader with nothing personal (blog.pagecache.serve).

SHARED_PAGES = [
    "home",
    "blog:article_list",
    "blog:condition_list",
    "team",
    "locations",
    "privacy",
    "blog:feed",
    "sitemap",
]


@pytest.mark.parametrize("name", SHARED_PAGES)
def test_a_second_reader_of_a_public_page_costs_no_database_query(name, django_assert_num_queries):
    ArticleFactory(title="Neck pain at the desk")
    first = Client().get(reverse(name), headers=READER)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        second = Client().get(reverse(name), headers=READER)
    assert second.status_code == 200
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]


def test_publishing_an_article_retires_the_cached_home_and_list():
    ArticleFactory(title="Neck pain at the desk")
    for name in ("home", "blog:article_list"):
        Client().get(reverse(name))
    ArticleFactory(title="Sciatica, explained")
    assert "Sciatica, explained" in Client().get(reverse("home")).content.decode()
    assert "Sciatica, explained" in Client().get(reverse("blog:article_list")).content.decode()


def test_each_page_of_the_list_is_cached_apart(django_assert_num_queries):
    for number in range(12):
        ArticleFactory(title=f"Article number {number}")
    first_page = Client().get(reverse("blog:article_list")).content
    second_page = Client().get(reverse("blog:article_list"), {"page": 2}).content
    assert first_page != second_page
    with django_assert_num_queries(0):
        assert Client().get(reverse("blog:article_list"), {"page": 2}).content == second_page


# A search of the blog list: shared by readers who ask the same, never holding their words.

SEARCHES = [
    {"q": "sciatica"},
    {"q": '  Sciatica & "night" <pain>  '},
    {"q": "dolor de espalda ñ", "page": "2"},
    {"condition": "sciatica", "q": "pain"},
    {"q": "sciatica", "condition": "my own words"},
]


@pytest.fixture
def searchable():
    """Two pages of articles that every search of SEARCHES finds."""
    from blog.models import Condition

    sciatica = Condition.objects.get_or_create(slug="sciatica", defaults={"name": "Sciatica"})[0]
    for number in range(12):
        ArticleFactory(
            title=f"Sciatica, night pain and dolor de espalda ñ, part {number}", conditions=[sciatica]
        )


@pytest.mark.parametrize("params", SEARCHES)
def test_a_second_reader_of_a_search_gets_the_same_page_without_a_database_query(
    params, searchable, django_assert_num_queries
):
    first = Client().get(reverse("blog:article_list"), params, headers=READER)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        second = Client().get(reverse("blog:article_list"), params, headers=READER)
    assert second.content == first.content
    compressed = Client().get(
        reverse("blog:article_list"), params, headers={**READER, "Accept-Encoding": "gzip"}
    )
    assert gzip.decompress(compressed.content) == first.content


@pytest.mark.parametrize("params", SEARCHES)
def test_the_cache_never_holds_a_readers_search_words(params, searchable, rf):
    from urllib.parse import quote_plus

    from django.core.cache import cache
    from django.utils.html import escape

    from blog import pagecache

    url = reverse("blog:article_list")
    html = Client().get(url, params, headers=READER).content.decode()
    words = params["q"].strip()
    assert escape(words) in html  # the reader sees their words in the page
    key = pagecache.search_page_key(rf.get(url, params))
    stored = cache.get(key)
    assert stored is not None
    kept = gzip.decompress(stored.gzipped).decode()
    for typed in (params["q"], params.get("condition", "")):
        for form in (typed, typed.strip(), escape(typed.strip()), quote_plus(typed)):
            if form.strip():
                assert form not in key
                assert form not in kept


def test_each_search_has_its_own_page_and_a_new_article_retires_them():
    ArticleFactory(title="Sciatica at night")
    ArticleFactory(title="Desk neck")
    url = reverse("blog:article_list")
    assert "Desk neck" not in Client().get(url, {"q": "sciatica"}).content.decode()
    assert "Sciatica at night" not in Client().get(url, {"q": "neck"}).content.decode()
    ArticleFactory(title="Sciatica in pregnancy")
    assert "Sciatica in pregnancy" in Client().get(url, {"q": "sciatica"}).content.decode()


def test_a_search_by_a_reader_with_a_session_is_rendered_for_them():
    ArticleFactory(title="Sciatica at night")
    url = reverse("blog:article_list")
    Client().get(url, {"q": "sciatica"})
    staff = Client()
    staff.force_login(StaffFactory())
    with CaptureQueriesContext(connection) as queries:
        staff.get(url, {"q": "sciatica"})
    assert len(queries) > 0


def test_words_that_cannot_be_masked_are_answered_but_never_stored(rf):
    from django.core.cache import cache

    from blog import pagecache

    ArticleFactory(title="Sciatica at night")
    url = reverse("blog:article_list")
    params = {"q": "sciatica \ue000"}
    assert "sciatica \ue000" in Client().get(url, params).content.decode()
    assert cache.get(pagecache.search_page_key(rf.get(url, params))) is None


@pytest.mark.parametrize("repeated", ["q", "condition"])
def test_a_search_naming_a_parameter_twice_is_answered_but_never_stored(repeated, searchable, rf):
    """Made by hand (the form sends each once): the page's links keep both values, the view reads
    one, so the other would be stored in clear."""
    from blog import pagecache

    url = f"{reverse('blog:article_list')}?q=sciatica&{repeated}=my+own+words&{repeated}=sciatica"
    assert Client().get(url, headers=READER).status_code == 200
    assert pagecache.search_page_key(rf.get(url)) is None
    with CaptureQueriesContext(connection) as queries:
        assert Client().get(url, headers=READER).status_code == 200
    assert len(queries) > 0  # rendered again: nothing was kept


def test_a_reader_with_a_session_or_a_flash_message_gets_the_page_rendered_for_them():
    ArticleFactory()
    Client().get(reverse("home"))
    staff = Client()
    staff.force_login(StaffFactory())
    with CaptureQueriesContext(connection) as queries:
        staff.get(reverse("home"))
    assert len(queries) > 0
    flashed = Client()
    flashed.cookies["messages"] = "anything"
    with CaptureQueriesContext(connection) as queries:
        flashed.get(reverse("home"))
    assert len(queries) > 0


def test_the_cached_sitemap_keeps_its_robots_header():
    ArticleFactory()
    Client().get(reverse("sitemap"))
    response = Client().get(reverse("sitemap"))
    assert response["X-Robots-Tag"] == "noindex, noodp, noarchive"


def test_a_page_that_used_a_csrf_token_is_never_shared(rf):
    from django.http import HttpResponse
    from django.middleware.csrf import get_token

    from blog import pagecache

    def render(request):
        return HttpResponse(f"token {get_token(request)}")

    first = rf.get("/somewhere/")
    pagecache.serve(first, lambda: render(first))
    second = rf.get("/somewhere/")
    assert pagecache.serve(second, lambda: render(second)).content != b""
    assert pagecache.get(pagecache.shared_page_key(rf.get("/somewhere/"))) is None


def test_the_spanish_and_english_home_pages_are_cached_apart():
    from django.utils import translation

    english = reverse("home")
    with translation.override("es"):
        spanish = reverse("home")
    Client().get(english)
    assert '<html lang="es">' in Client().get(spanish).content.decode()
    assert '<html lang="en">' in Client().get(english).content.decode()


# Returning readers: the like cookie and a confirmed commenter's cookie get the shared article page,
# with its like section and the reply-emails box swapped for them (blog.pagecache.personalised).


def liked_reader(article):
    """A browser that liked the article (it holds the like cookie), its flash message read."""
    reader = Client()
    read(reader, article)
    reader.post(reverse("blog:article_like", args=[article.slug]), follow=True)
    return reader


def test_a_returning_reader_who_liked_the_article_sees_it_liked_from_the_shared_page(
    django_assert_num_queries,
):
    article = ArticleFactory()
    reader = liked_reader(article)
    read(Client(), article)  # the shared page, as another reader had it
    with django_assert_num_queries(0):  # whether this browser likes it is in the cache since its like
        html = read(reader, article).content.decode()
    assert "You like this article." in html
    assert "1 like" in html
    assert 'action="/blog/' not in html.split("<!--like-->")[1].split("<!--/like-->")[0]


def test_a_returning_reader_is_asked_about_another_article_once(django_assert_num_queries):
    liked, other = ArticleFactory(), ArticleFactory()
    reader = liked_reader(liked)
    read(Client(), other)
    with django_assert_num_queries(1):  # has this browser liked the other article: no
        read(reader, other)
    with django_assert_num_queries(0):
        assert "Like this article" in read(reader, other).content.decode()


def test_the_like_cookie_on_another_article_leaves_the_like_button(client):
    liked, other = ArticleFactory(), ArticleFactory()
    reader = liked_reader(liked)
    html = read(reader, other).content.decode()
    assert "Like this article" in html
    assert "You like this article." not in html


def test_a_liked_page_is_never_served_to_another_reader():
    article = ArticleFactory()
    reader = liked_reader(article)
    assert "You like this article." in read(reader, article).content.decode()  # renders and stores
    html = read(Client(), article).content.decode()
    assert "You like this article." not in html
    assert "Like this article" in html


def test_a_confirmed_commenter_gets_the_reply_emails_box_from_the_shared_page_and_nobody_else():
    article = ArticleFactory()
    commenter = Client()
    confirm_address(commenter, "ana@example.com")
    assert "Tell me by email when someone replies" in read(commenter, article).content.decode()
    assert "Tell me by email when someone replies" not in read(Client(), article).content.decode()
    assert "Tell me by email when someone replies" in read(commenter, article).content.decode()


def test_a_commenter_who_may_still_change_a_comment_gets_a_page_of_their_own():
    article = ArticleFactory()
    read(Client(), article)
    author = Client()
    read(author, article)
    author.cookies["comment_author"] = "anything"
    with CaptureQueriesContext(connection) as queries:
        read(author, article)
    assert len(queries) > 1


# SharedPageMiddleware: the shared page answered before the rest of the middleware.


def count_serve_calls(monkeypatch) -> list:
    """Each time the whole stack reached a shared page's view (``pagecache.serve``)."""
    from blog import pagecache

    calls, real = [], pagecache.serve
    monkeypatch.setattr(pagecache, "serve", lambda *a, **kw: calls.append(1) or real(*a, **kw))
    return calls


@pytest.mark.parametrize("name", SHARED_PAGES)
@pytest.mark.parametrize("encoding", ["gzip", "identity"])
def test_the_front_door_answers_a_shared_page_exactly_as_the_whole_stack_did(name, encoding, monkeypatch):
    ArticleFactory(title="Neck pain at the desk")
    calls = count_serve_calls(monkeypatch)
    headers = {**READER, "Accept-Encoding": encoding}
    _rendered, from_cache, front_door = (Client().get(reverse(name), headers=headers) for _ in range(3))
    assert len(calls) == 2  # the third request never reached the view
    assert front_door.status_code == 200
    assert front_door.content == from_cache.content
    assert sorted(front_door.items()) == sorted(from_cache.items())
    assert front_door["Content-Security-Policy"] and front_door["X-Frame-Options"] == "DENY"


def test_the_front_door_refuses_an_unknown_host(monkeypatch):
    calls = count_serve_calls(monkeypatch)
    for _ in range(2):
        Client().get(reverse("team"), headers=READER)
    assert Client().get(reverse("team"), headers={**READER, "Host": "evil.example"}).status_code == 400
    assert len(calls) == 2


def test_the_front_door_lets_a_reader_with_a_session_or_a_flash_message_through(monkeypatch):
    calls = count_serve_calls(monkeypatch)
    for _ in range(2):
        Client().get(reverse("team"), headers=READER)
    staff = Client()
    staff.force_login(StaffFactory())
    staff.get(reverse("team"))
    flashed = Client()
    flashed.cookies["messages"] = "anything"
    flashed.get(reverse("team"))
    assert len(calls) == 4


def test_a_change_retires_the_page_the_front_door_answers(monkeypatch):
    clinician = ClinicianFactory(name="Maya Okafor", show_on_team_page=True)
    calls = count_serve_calls(monkeypatch)
    for _ in range(3):
        Client().get(reverse("team"), headers=READER)
    assert len(calls) == 2
    clinician.name = "Maya Okafor-Lane"
    clinician.save()
    assert "Maya Okafor-Lane" in Client().get(reverse("team"), headers=READER).content.decode()
    assert len(calls) == 3


def test_the_front_door_gives_each_reader_of_the_inquiry_form_its_own_page_shown_cookie(monkeypatch):
    from clinic_site import antispam

    calls = count_serve_calls(monkeypatch)
    answers = [Client().get(reverse("inquiries:new"), headers=READER) for _ in range(3)]
    assert len(calls) == 2
    front_door = answers[2]
    assert front_door.content == answers[1].content
    cookie = front_door.cookies[antispam.PAGE_SHOWN_COOKIE]
    assert cookie.value and cookie.value != answers[1].cookies[antispam.PAGE_SHOWN_COOKIE].value
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    # The time trap of a form sent from that page reads it as any other.
    request = RequestFactory().get("/", HTTP_COOKIE=f"{antispam.PAGE_SHOWN_COOKIE}={cookie.value}")
    assert antispam.page_was_shown(request)


def count_article_renders(monkeypatch) -> list:
    """Each time the whole stack reached the article page's view."""
    from blog.views import ArticleDetailView

    calls, real = [], ArticleDetailView.get
    monkeypatch.setattr(ArticleDetailView, "get", lambda *a, **kw: calls.append(1) or real(*a, **kw))
    return calls


def test_the_front_door_answers_the_article_page_as_its_view_did_and_counts_each_view(settings, monkeypatch):
    from clinic_site import antispam

    settings.BLOG_VIEW_FLUSH_EVERY = 4
    article = ArticleFactory(title="Neck pain at the desk")
    calls = count_article_renders(monkeypatch)
    answers = [read(Client(), article) for _ in range(4)]
    assert len(calls) == 2
    assert answers[3].content == answers[2].content == answers[1].content
    assert sorted(answers[3].items()) == sorted(answers[2].items()) == sorted(answers[1].items())
    assert answers[3].cookies[antispam.PAGE_SHOWN_COOKIE].value
    article.refresh_from_db()
    assert article.view_count == 4
    # A bot's visit, through the front door too, is not a reader's view.
    Client().get(article.get_absolute_url(), headers={"User-Agent": "Googlebot/2.1"})
    assert len(calls) == 2
    assert cache_pending_views(article) == 0


def cache_pending_views(article) -> int:
    from django.core.cache import cache

    from blog import services

    return cache.get(services._pending_key(article.pk)) or 0


def test_a_like_retires_the_article_page_the_front_door_answers(monkeypatch):
    article = ArticleFactory()
    calls = count_article_renders(monkeypatch)
    for _ in range(3):
        read(Client(), article)
    assert len(calls) == 2
    liked_reader(article)
    renders = len(calls)
    assert "1 like" in read(Client(), article).content.decode()
    assert len(calls) == renders + 1


def test_a_reader_who_liked_the_article_gets_it_liked_not_the_front_doors_page(monkeypatch):
    article = ArticleFactory()
    liker = liked_reader(article)
    calls = count_article_renders(monkeypatch)
    for _ in range(3):
        read(Client(), article)
    renders = len(calls)
    html = read(liker, article).content.decode()
    assert len(calls) == renders + 1
    assert "You like this article." in html


def test_a_first_visit_that_prefers_spanish_is_still_sent_to_the_spanish_home():
    for _ in range(3):
        Client().get(reverse("home"), headers=READER)
    spanish = Client().get(reverse("home"), headers={**READER, "Accept-Language": "es-ES,es;q=0.9"})
    assert spanish.status_code == 302
    with translation.override("es"):
        assert spanish["Location"] == reverse("home")


def test_head_gets_what_the_view_answers_not_the_front_doors_page():
    for _ in range(3):
        Client().get(reverse("inquiries:new"), headers=READER)
    assert Client().head(reverse("inquiries:new"), headers=READER).status_code == 405

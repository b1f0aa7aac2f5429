import re
from datetime import date, timedelta
from urllib.parse import urlencode

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from blog import services
from blog.browser import COOKIE_NAME, browser_key, browser_token
from blog.models import Article, ArticleLike
from clinic_site.siteurl import absolute_url
from tests import jsonld
from tests.factories import (
    ArticleEditorFactory,
    ArticleFactory,
    ClinicianFactory,
    ConditionFactory,
    ReferenceFactory,
    StaffFactory,
)
from tests.landing import assert_said_where_reader_lands

pytestmark = pytest.mark.django_db

BROWSER = {"user-agent": "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0"}


def list_url(**params):
    return reverse("blog:article_list") + ("?" + urlencode(params) if params else "")


def titles(response):
    return [article.title for article in response.context["article_list"]]


def like(client, article):
    """A reader's like: the article page first (it sets the page-shown cookie), then the button."""
    client.get(article.get_absolute_url())
    return client.post(reverse("blog:article_like", kwargs={"slug": article.slug}))


# The list


def test_list_shows_published_articles_newest_first(client):
    ArticleFactory(title="Older", published_at=timezone.now() - timedelta(days=3))
    ArticleFactory(title="Newer", published_at=timezone.now() - timedelta(days=1))
    assert titles(client.get(list_url())) == ["Newer", "Older"]


def test_list_hides_drafts_and_scheduled_articles(client):
    ArticleFactory(title="Shown")
    ArticleFactory(status=Article.Status.DRAFT)
    ArticleFactory(published_at=timezone.now() + timedelta(days=1))
    assert titles(client.get(list_url())) == ["Shown"]


def test_list_paginates_by_ten(client):
    ArticleFactory.create_batch(12)
    response = client.get(list_url(page=2))
    assert len(response.context["article_list"]) == 2


def test_list_pagination_is_a_labelled_nav(client):
    ArticleFactory.create_batch(11)
    content = client.get(list_url()).content.decode()
    assert '<nav class="mt-4 no-print" aria-label="Pages">' in content
    assert 'aria-current="page"' in content


def test_a_page_past_the_end_is_not_found(client):
    ArticleFactory()
    assert client.get(list_url(page=5)).status_code == 404


def test_a_page_that_is_not_a_number_is_not_found(client):
    assert client.get(list_url(page="x")).status_code == 404


def test_list_searches_with_q(client):
    ArticleFactory(title="Sciatica in runners")
    ArticleFactory(title="Jaw pain")
    assert titles(client.get(list_url(q="sciatica"))) == ["Sciatica in runners"]


def test_search_keeps_the_query_in_the_box(client):
    response = client.get(list_url(q="neck"))
    assert 'name="q" value="neck"' in response.content.decode()


def test_search_escapes_the_query(client):
    content = client.get(list_url(q="<script>x</script>")).content.decode()
    assert "<script>x</script>" not in content


def test_list_filters_by_condition(client):
    neck = ConditionFactory(slug="neck-pain")
    ArticleFactory(title="About the neck", conditions=[neck])
    ArticleFactory(title="About the knee")
    assert titles(client.get(list_url(condition="neck-pain"))) == ["About the neck"]


def test_list_marks_the_chosen_condition_in_the_select(client):
    ConditionFactory(slug="neck-pain")
    content = client.get(list_url(condition="neck-pain")).content.decode()
    assert '<option value="neck-pain" selected>' in content


def test_an_unknown_condition_shows_everything_with_a_note(client):
    ArticleFactory(title="Anything")
    response = client.get(list_url(condition="no-such-thing"))
    assert response.status_code == 200
    assert titles(response) == ["Anything"]
    assert "all articles are shown" in response.content.decode()


def test_search_and_filter_combine(client):
    neck = ConditionFactory()
    ArticleFactory(title="Neck stretches", conditions=[neck])
    ArticleFactory(title="Neck and desk")
    ArticleFactory(title="Jaw clicks", conditions=[neck])
    assert titles(client.get(list_url(q="neck", condition=neck.slug))) == ["Neck stretches"]


def test_pagination_links_keep_the_search_and_the_condition(client):
    neck = ConditionFactory(slug="neck-pain")
    ArticleFactory.create_batch(11, title="Neck notes", conditions=[neck])
    content = client.get(list_url(q="neck", condition="neck-pain")).content.decode()
    assert 'href="?q=neck&amp;condition=neck-pain&amp;page=2"' in content


def test_a_search_pages_its_results_in_order_and_counts_them_all(client):
    for number in range(12):
        ArticleFactory(title=f"Neck notes {number:02}", published_at=timezone.now() - timedelta(days=number))
    first = client.get(list_url(q="neck"))
    second = client.get(list_url(q="neck", page=2))
    assert "12 articles found." in first.content.decode()
    assert titles(first) + titles(second) == [f"Neck notes {number:02}" for number in range(12)]
    assert client.get(list_url(q="neck", page=3)).status_code == 404


def test_a_search_that_finds_nothing_says_so_and_offers_to_ask_the_clinic(client):
    ArticleFactory(title="Neck notes")
    content = client.get(list_url(q="kneecap")).content.decode()
    assert "No article found." in content
    assert "0 articles" not in content
    ask = reverse("inquiries:new")
    assert f'Or <a href="{ask}">ask the clinic privately</a> about your condition.' in content


# The article page


def test_article_page_has_one_h1_with_the_title(client):
    article = ArticleFactory(title="Myofascial release")
    content = client.get(article.get_absolute_url()).content.decode()
    assert re.findall(r"<h1[^>]*>(.*?)</h1>", content) == ["Myofascial release"]


def test_article_page_signs_with_author_and_co_author_credentials(client):
    article = ArticleFactory(
        author=ClinicianFactory(name="Dana Reyes", credentials="PT, DPT"),
        co_author=ClinicianFactory(name="Sam Okafor", credentials="PTA"),
    )
    content = client.get(article.get_absolute_url()).content.decode()
    assert "By <strong>Dana Reyes, PT, DPT</strong> with Sam Okafor, PTA" in content


def test_article_page_dates_are_machine_readable(client):
    article = ArticleFactory(published_at=timezone.now() - timedelta(days=10))
    content = client.get(article.get_absolute_url()).content.decode()
    # To the second: HTML allows at most three digits of a fraction, Python's isoformat() writes six.
    moment = timezone.localtime(article.published_at).isoformat(timespec="seconds")
    assert f'<time datetime="{moment}">' in content
    assert not re.search(r'datetime="[^"]*\.\d{4,}', content)
    assert "Updated" in content


def test_article_page_shows_the_reading_time(client):
    article = ArticleFactory(body="<p>" + "word " * 450 + "</p>")
    assert "3 minute read" in client.get(article.get_absolute_url()).content.decode()


def test_article_page_counts_the_readers_view(client):
    article = ArticleFactory()
    Article.objects.filter(pk=article.pk).update(view_count=175)
    response = client.get(article.get_absolute_url(), headers=BROWSER)
    assert "176 views" in response.content.decode()


def test_article_page_does_not_count_a_bot(client):
    article = ArticleFactory()
    client.get(article.get_absolute_url(), headers={"user-agent": "Googlebot/2.1"})
    assert services.pending_views(article) == 0


def test_article_page_links_its_conditions(client):
    condition = ConditionFactory(name="Whiplash")
    article = ArticleFactory(conditions=[condition])
    content = client.get(article.get_absolute_url()).content.decode()
    assert f'href="{condition.get_absolute_url()}">Whiplash</a>' in content


def test_article_page_lists_related_published_articles_only(client):
    condition = ConditionFactory()
    article = ArticleFactory(conditions=[condition])
    related = ArticleFactory(conditions=[condition])
    ArticleFactory(conditions=[condition], status=Article.Status.DRAFT)
    response = client.get(article.get_absolute_url())
    assert list(response.context["related_articles"]) == [related]


def test_article_page_lists_recent_articles_without_itself(client):
    other = ArticleFactory()
    article = ArticleFactory()
    response = client.get(article.get_absolute_url())
    assert list(response.context["recent_articles"]) == [other]
    assert f'href="{reverse("blog:article_list")}">See all articles' in response.content.decode()


def test_article_page_asks_the_clinic_with_the_article(client):
    # The form pre-selects the article's primary condition itself (tests/inquiries/test_forms.py).
    condition = ConditionFactory(slug="sciatica")
    article = ArticleFactory(slug="sciatica-steps", conditions=[condition])
    content = client.get(article.get_absolute_url()).content.decode()
    assert f'href="{reverse("inquiries:new")}?article=sciatica-steps"' in content


def test_article_page_has_opengraph_metadata(client):
    article = ArticleFactory(title="Neck pain", summary="Why it happens.")
    content = client.get(article.get_absolute_url()).content.decode()
    assert '<meta property="og:type" content="article">' in content
    assert '<meta property="og:title" content="Neck pain">' in content
    assert '<meta property="og:description" content="Why it happens.">' in content
    assert f'<meta property="og:url" content="{absolute_url(article.get_absolute_url())}">' in content


def test_article_page_has_schema_org_data(client):
    article = ArticleFactory(title="Neck pain", author=ClinicianFactory(name="Dana Reyes"))
    page = jsonld.block_of_type(client.get(article.get_absolute_url()), "MedicalWebPage")
    posting = page["mainEntity"]
    assert (posting["@type"], posting["headline"]) == ("BlogPosting", "Neck pain")
    assert posting["author"][0]["name"] == "Dana Reyes"


def test_schema_org_data_cannot_close_its_script_element(client):
    article = ArticleFactory(title="</script><script>alert(1)</script>")
    content = client.get(article.get_absolute_url()).content.decode()
    assert "</script><script>alert(1)" not in content
    assert "\\u003C/script\\u003E" in content


# Previews


def test_public_gets_404_for_a_draft(client):
    article = ArticleFactory(status=Article.Status.DRAFT)
    assert client.get(article.get_absolute_url()).status_code == 404


def test_public_gets_404_for_a_scheduled_article(client):
    article = ArticleFactory(published_at=timezone.now() + timedelta(days=2))
    assert client.get(article.get_absolute_url()).status_code == 404


def test_a_signed_in_non_staff_user_gets_404_for_a_draft(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("reader", password="x-long-password-1"))
    article = ArticleFactory(status=Article.Status.DRAFT)
    assert client.get(article.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("status", [Article.Status.DRAFT, "scheduled"])
def test_a_moderator_or_other_staff_without_article_rights_cannot_preview(client, status):
    """Any staff account used to open drafts; only those who may change articles do now."""
    client.force_login(StaffFactory())
    if status == "scheduled":
        article = ArticleFactory(published_at=timezone.now() + timedelta(days=2))
    else:
        article = ArticleFactory(status=status)
    assert client.get(article.get_absolute_url()).status_code == 404


def test_an_editor_previews_a_draft_with_a_notice_and_noindex(client):
    client.force_login(ArticleEditorFactory())
    article = ArticleFactory(status=Article.Status.DRAFT)
    content = client.get(article.get_absolute_url()).content.decode()
    assert "Preview: draft" in content
    assert '<meta name="robots" content="noindex, nofollow">' in content


def test_an_editor_previews_a_scheduled_article_with_a_notice(client):
    client.force_login(ArticleEditorFactory())
    article = ArticleFactory(published_at=timezone.now() + timedelta(days=2))
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Preview: scheduled" in html
    assert "the public will see this article; until then" in html  # no "8 a.m.." before a full stop


def test_a_preview_is_not_cached(client):
    client.force_login(ArticleEditorFactory())
    article = ArticleFactory(status=Article.Status.DRAFT)
    assert "no-cache" in client.get(article.get_absolute_url())["Cache-Control"]


def test_a_preview_has_no_like_button(client):
    client.force_login(ArticleEditorFactory())
    article = ArticleFactory(status=Article.Status.DRAFT)
    assert "Like this article" not in client.get(article.get_absolute_url()).content.decode()


def test_a_published_article_has_no_preview_notice(client):
    content = client.get(ArticleFactory().get_absolute_url()).content.decode()
    assert "Preview:" not in content
    assert "noindex" not in content


# Likes


def test_like_redirects_back_to_the_like_section_which_says_what_happened(client):
    article = ArticleFactory()
    response = like(client, article)
    assert response.status_code == 303
    assert response["Location"] == article.get_absolute_url() + "#like"
    assert_said_where_reader_lands(client, response, "Thank you: your like is counted.")
    again = like(client, article)
    assert_said_where_reader_lands(client, again, "You already like this article.")


def test_a_like_refused_is_said_in_the_like_section(client):
    article = ArticleFactory()
    # No page-shown cookie: a post that did not come from the page.
    response = client.post(reverse("blog:article_like", kwargs={"slug": article.slug}))
    assert_said_where_reader_lands(client, response, "Your like could not be counted.")


def test_like_without_a_cookie_counts_and_gives_the_browser_a_cookie(client):
    article = ArticleFactory()
    response = like(client, article)
    article.refresh_from_db()
    assert article.like_count == 1
    assert response.cookies[COOKIE_NAME]["httponly"]


def test_like_stores_only_a_hash_of_the_token(client):
    article = ArticleFactory()
    response = like(client, article)
    request = RequestFactory().get("/")
    request.COOKIES[COOKIE_NAME] = response.cookies[COOKIE_NAME].value
    token = browser_token(request)
    assert ArticleLike.objects.get().browser_key == browser_key(token)
    assert token not in ArticleLike.objects.get().browser_key


def test_the_same_browser_likes_once(client):
    article = ArticleFactory()
    like(client, article)
    like(client, article)
    article.refresh_from_db()
    assert article.like_count == 1


def test_another_browser_adds_its_own_like(client):
    article = ArticleFactory()
    like(client, article)
    like(Client(), article)
    article.refresh_from_db()
    assert article.like_count == 2


def test_a_forged_cookie_is_replaced_by_a_fresh_token(client):
    article = ArticleFactory()
    client.cookies[COOKIE_NAME] = "forged-token:not-signed"
    response = like(client, article)
    assert ArticleLike.objects.get().browser_key not in {
        browser_key("forged-token:not-signed"),
        browser_key("forged-token"),
    }
    assert response.cookies[COOKIE_NAME].value != "forged-token:not-signed"


def test_a_liked_article_shows_the_like_as_given(client):
    article = ArticleFactory()
    like(client, article)
    content = client.get(article.get_absolute_url()).content.decode()
    assert "You like this article." in content
    assert "Like this article</button>" not in content


def test_like_says_thank_you(client):
    article = ArticleFactory()
    response = like(client, article)
    assert "your like is counted" in client.get(response["Location"]).content.decode()


def test_like_needs_post(client):
    article = ArticleFactory()
    assert client.get(reverse("blog:article_like", kwargs={"slug": article.slug})).status_code == 405


def test_a_draft_cannot_be_liked(client):
    article = ArticleFactory(status=Article.Status.DRAFT)
    assert like(client, article).status_code == 404


def test_like_is_protected_against_forgery():
    article = ArticleFactory()
    url = reverse("blog:article_like", kwargs={"slug": article.slug})
    response = Client().post(url, headers={"Origin": "https://elsewhere.example"})
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.like_count == 0


# Conditions


def test_condition_list_shows_each_condition(client):
    ConditionFactory(name="Sciatica")
    assert "Sciatica" in client.get(reverse("blog:condition_list")).content.decode()


def test_each_languages_condition_list_counts_what_its_condition_pages_list(client):
    condition = ConditionFactory(name="Sciatica", name_es="Ciática")
    original = ArticleFactory(conditions=[condition])
    ArticleFactory(conditions=[condition])

    def counted(path):
        html = client.get(path).content.decode()
        return re.search(r"(\d+) (?:articles|artículos)", html).group(1)

    assert counted("/conditions/") == counted("/es/conditions/") == "2"
    # A Spanish version is one article more for neither list; a new article in Spanish only is
    # one more for both (offered in its own language to English readers), and retires both pages.
    ArticleFactory(conditions=[condition], language="es", translation_of=original)
    assert counted("/conditions/") == counted("/es/conditions/") == "2"
    ArticleFactory(conditions=[condition], language="es")
    assert counted("/conditions/") == counted("/es/conditions/") == "3"
    for language in ("en", "es"):
        shown = client.get(f"{'/es' if language == 'es' else ''}/conditions/{condition.slug}/")
        assert len(shown.context["articles"]) == 3


def test_condition_page_lists_its_published_articles(client):
    condition = ConditionFactory()
    shown = ArticleFactory(conditions=[condition])
    ArticleFactory(conditions=[condition], status=Article.Status.DRAFT)
    ArticleFactory()
    response = client.get(condition.get_absolute_url())
    assert list(response.context["articles"]) == [shown]


def test_condition_page_links_to_ask_about_it(client):
    condition = ConditionFactory(slug="whiplash")
    content = client.get(condition.get_absolute_url()).content.decode()
    assert f'href="{reverse("inquiries:new")}?condition=whiplash"' in content


def test_an_unknown_condition_page_is_not_found(client):
    assert client.get(reverse("blog:condition_detail", kwargs={"slug": "nope"})).status_code == 404


# Clinical review, references and the people on the page


def reviewed_article(**overrides):
    reviewer = ClinicianFactory(
        name="Maya Okafor", slug="maya-okafor", credentials="PT, DPT", show_on_team_page=True
    )
    return ArticleFactory(reviewer=reviewer, reviewed_on=date(2026, 3, 3), **overrides)


def test_the_page_says_who_reviewed_it_and_when_linked_to_their_team_page(client):
    article = reviewed_article()
    content = client.get(article.get_absolute_url()).content.decode()
    line = re.search(r'<p class="article-review[^>]*>(.*?)</p>', content, re.S).group(1)
    text = " ".join(re.sub(r"<[^>]+>|✓", "", line).split())
    assert text == "Clinically reviewed by Maya Okafor, PT, DPT on March 3, 2026"
    assert '<a href="/team/maya-okafor/">Maya Okafor, PT, DPT</a>' in line
    assert '<time datetime="2026-03-03">' in line


def test_an_article_without_a_review_has_no_review_line(client):
    content = client.get(ArticleFactory().get_absolute_url()).content.decode()
    assert "Clinically reviewed" not in content


def test_references_are_a_numbered_list_with_doi_links_through_doi_org(client):
    article = ArticleFactory()
    ReferenceFactory(
        article=article, order=2, title="Second", doi="", url="https://www.nice.org.uk/guidance/ng59"
    )
    ReferenceFactory(article=article, order=1, title="First", doi="10.2519/jospt.2017.0302")
    content = client.get(article.get_absolute_url()).content.decode()
    listing = re.search(r'<ol class="reference-list[^>]*>(.*?)</ol>', content, re.S).group(1)
    assert listing.index("First") < listing.index("Second")
    assert '<a href="https://doi.org/10.2519/jospt.2017.0302" rel="noopener noreferrer">' in listing
    assert '<a href="https://www.nice.org.uk/guidance/ng59" rel="noopener noreferrer">' in listing


def test_the_review_line_and_references_are_printed_with_the_article(client):
    article = reviewed_article()
    ReferenceFactory(article=article)
    content = client.get(article.get_absolute_url()).content.decode()
    for marker in ('class="article-review', 'class="article-references'):
        element = re.search(rf"<[a-z]+ {marker}[^>]*>", content).group(0)
        assert "no-print" not in element


def test_bylines_link_to_the_team_page_only_for_those_shown_there(client):
    shown = ClinicianFactory(name="Maya Okafor", show_on_team_page=True)
    hidden = ClinicianFactory(name="Dana Hidden", show_on_team_page=False)
    article = ArticleFactory(author=shown, co_author=hidden)
    ArticleFactory(author=shown, conditions=[])  # a card on the list page
    content = client.get(article.get_absolute_url()).content.decode()
    assert f'<a href="{shown.get_absolute_url()}">' in content
    assert hidden.get_absolute_url() not in content
    listing = client.get(reverse("blog:article_list")).content.decode()
    assert f'By <a href="{shown.get_absolute_url()}">' in listing


def test_the_article_is_a_medical_web_page_with_its_review_citations_and_posting(client, settings):
    settings.SITE_URL = "https://pt.example"
    article = reviewed_article(title="Sciatica", author=ClinicianFactory(name="Daniel Reyes"))
    ReferenceFactory(article=article, order=1, doi="10.2519/jospt.2021.0304", title="Low back pain CPG")
    ReferenceFactory(
        article=article, order=2, doi="", url="https://www.nice.org.uk/guidance/ng59", title="NG59"
    )
    response = client.get(article.get_absolute_url())
    page = jsonld.block_of_type(response, "MedicalWebPage")
    assert page["url"] == f"https://pt.example{article.get_absolute_url()}"
    assert page["lastReviewed"] == "2026-03-03"
    assert page["reviewedBy"]["@type"] == "Person"
    assert page["reviewedBy"]["name"] == "Maya Okafor"
    assert page["reviewedBy"]["url"] == "https://pt.example/team/maya-okafor/"
    first, second = page["citation"]
    assert (first["@type"], first["name"], first["url"]) == (
        "ScholarlyArticle",
        "Low back pain CPG",
        "https://doi.org/10.2519/jospt.2021.0304",
    )
    assert first["identifier"]["value"] == "10.2519/jospt.2021.0304"
    assert (second["@type"], second["url"]) == ("CreativeWork", "https://www.nice.org.uk/guidance/ng59")
    posting = page["mainEntity"]
    assert posting["@type"] == "BlogPosting"
    for key in ("headline", "datePublished", "dateModified", "author", "publisher"):
        assert posting[key]
    assert posting["publisher"]["name"] == settings.CLINIC_NAME


def test_an_unreviewed_article_claims_no_review(client):
    page = jsonld.block_of_type(client.get(ArticleFactory().get_absolute_url()), "MedicalWebPage")
    assert "lastReviewed" not in page and "reviewedBy" not in page and "citation" not in page


def test_article_and_condition_pages_carry_breadcrumbs(client, settings):
    settings.SITE_URL = "https://pt.example"
    condition = ConditionFactory(name="Sciatica", slug="sciatica")
    article = ArticleFactory(title="Why your leg hurts", slug="leg", conditions=[condition])
    trail = jsonld.block_of_type(client.get(article.get_absolute_url()), "BreadcrumbList")["itemListElement"]
    assert [(i["position"], i["name"], i["item"]) for i in trail] == [
        (1, "Home", "https://pt.example/"),
        (2, "Blog", "https://pt.example/blog/"),
        (3, "Why your leg hurts", "https://pt.example/blog/leg/"),
    ]
    trail = jsonld.block_of_type(client.get(condition.get_absolute_url()), "BreadcrumbList")[
        "itemListElement"
    ]
    assert [i["item"] for i in trail] == [
        "https://pt.example/",
        "https://pt.example/conditions/",
        "https://pt.example/conditions/sciatica/",
    ]


def test_a_printed_article_carries_the_clinic_and_its_own_address(client, settings):
    article = ArticleFactory(slug="printed")
    html = client.get(article.get_absolute_url()).content.decode()
    block = html[html.index('<div class="print-only print-source">') :]
    block = block[: block.index("</div>")]
    assert settings.CLINIC_NAME in block
    assert settings.CLINIC_PHONE in block
    assert settings.SITE_URL.rstrip("/") + "/" in block
    assert f"{settings.SITE_URL.rstrip('/')}/blog/printed/" in block

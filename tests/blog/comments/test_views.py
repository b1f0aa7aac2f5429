import re
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from blog.comments import moderation
from blog.comments.models import Comment
from blog.comments.spam import GUARD
from clinic_site import antispam
from tests.blog.comments.helpers import comment_data, confirm_address
from tests.factories import ArticleFactory, CommentFactory, StaffFactory
from tests.landing import assert_said_where_reader_lands

pytestmark = pytest.mark.django_db


def post_comment(client, article, **overrides):
    return client.post(reverse("comments:create", args=[article.slug]), comment_data(**overrides))


def page(client, article, query=""):
    return client.get(article.get_absolute_url() + query).content.decode()


def test_a_new_comment_waits_for_moderation(client):
    article = ArticleFactory()
    response = post_comment(client, article, body="A quiet thank-you note")
    assert response.status_code == 303
    assert response["Location"] == f"{article.get_absolute_url()}#comments"
    assert Comment.objects.get().status == Comment.Status.PENDING
    assert "A quiet thank-you note" not in page(client, article)
    assert "A quiet thank-you note" not in Client().get(article.get_absolute_url()).content.decode()


def test_after_posting_the_comments_section_says_it_awaits_moderation_and_to_look_for_the_email(client):
    article = ArticleFactory()
    response = post_comment(client, article)
    # Said once, where the reader lands: one status for assistive technology to read out.
    assert_said_where_reader_lands(
        client,
        response,
        "Thanks — your comment is awaiting moderation. It will appear here once a moderator has "
        "approved it. Look for our email: its link confirms your address, and your next comments "
        "from this browser then appear at once.",
    )


def test_a_browser_confirmed_for_another_address_is_told_to_look_for_the_email(client):
    confirm_address(client, "ana@example.com")
    response = post_comment(client, ArticleFactory(), email="bob@example.com")
    assert "Look for our email" in client.get(response["Location"]).content.decode()


def test_a_held_comment_from_a_confirmed_browser_is_not_told_to_look_for_an_email(client):
    confirm_address(client, "ana@example.com")
    article = ArticleFactory()
    response = post_comment(client, article, body="Try the casino")  # a blocked word holds it
    assert Comment.objects.get(body="Try the casino").status == Comment.Status.PENDING
    html = client.get(response["Location"]).content.decode()
    assert "Thanks — your comment is awaiting moderation." in html
    assert "Look for our email" not in html


def test_a_verified_commenter_lands_on_their_published_comment(client):
    article = ArticleFactory()
    confirm_address(client, "ana@example.com")
    response = post_comment(client, article, body="Second visit")
    comment = Comment.objects.get(body="Second visit")
    assert response["Location"] == reverse("comments:show", args=[comment.pk])
    assert (
        client.get(response["Location"])["Location"] == f"{article.get_absolute_url()}#comment-{comment.pk}"
    )
    assert "Second visit" in page(client, article)


def test_a_published_comment_is_said_at_the_comment_where_the_reader_lands(client):
    article = ArticleFactory()
    confirm_address(client, "ana@example.com")
    CommentFactory.create_batch(3, article=article)
    response = post_comment(client, article, body="Second visit")
    assert_said_where_reader_lands(client, response, "Thanks — your comment is published.")


def test_the_honeypot_rejects_with_400(client):
    response = post_comment(client, ArticleFactory(), website="http://bot.example")
    assert response.status_code == 400
    assert "automated" in response.content.decode()
    assert not Comment.objects.exists()


def test_a_form_sent_too_fast_is_rejected_with_400(client):
    response = post_comment(client, ArticleFactory(title="Knees"), started=GUARD.make_token())
    assert response.status_code == 400
    assert "too quickly" in response.content.decode()
    assert "<title>Error: Your comment on “Knees”" in response.content.decode()  # heard first
    assert not Comment.objects.exists()


def test_a_comment_sent_back_for_a_mistake_may_be_sent_again_at_once(client):
    article = ArticleFactory()
    html = post_comment(client, article, email="not an address").content.decode()
    started = re.search(r'name="started" value="([^"]+)"', html)[1]
    assert post_comment(client, article, started=started).status_code == 303
    assert Comment.objects.count() == 1


def test_an_expired_form_is_rejected_with_a_clear_message(client, settings):
    old = GUARD.make_token(at=time.time() - settings.COMMENTS_MAX_FORM_AGE_SECONDS - 60)
    response = post_comment(client, ArticleFactory(), started=old, body="Keep my words")
    assert response.status_code == 400
    html = response.content.decode()
    assert "open for too long" in html
    assert "Keep my words" in html


def test_a_forged_timestamp_is_rejected_with_400(client):
    response = post_comment(client, ArticleFactory(), started="forged")
    assert response.status_code == 400
    assert "could not check" in response.content.decode()


def test_the_rate_limit_answers_429(client, settings):
    settings.COMMENTS_RATE_LIMIT = "2/10m"
    article = ArticleFactory()
    statuses = [post_comment(client, article, email=f"a{n}@example.com").status_code for n in range(3)]
    assert statuses == [303, 303, 429]
    assert Comment.objects.count() == 2


def test_forms_sent_back_for_a_mistake_do_not_use_up_the_rate_limit(client, settings):
    """Before: every post counted, so a reader who forgot their address twice could not send."""
    settings.COMMENTS_RATE_LIMIT = "1/10m"
    article = ArticleFactory()
    for _attempt in range(3):
        assert post_comment(client, article, email="not an address").status_code == 400
    assert post_comment(client, article).status_code == 303
    assert post_comment(client, article, body="Again").status_code == 429


def test_a_comment_refused_for_a_blocked_link_is_a_mistake_not_a_comment_taken(client, settings):
    """Before: three tries with a blocked link used up the limit of comments taken."""
    settings.COMMENTS_RATE_LIMIT = "1/10m"
    settings.COMMENTS_BLOCKED_DOMAINS = ["spam.example"]
    article = ArticleFactory()
    for _attempt in range(3):
        assert post_comment(client, article, body="See www.spam.example").status_code == 400
    assert post_comment(client, article, body="Without the link").status_code == 303


def test_failed_comment_forms_have_a_limit_of_their_own(client, settings):
    settings.COMMENTS_FAILED_RATE_LIMIT = "2/h"
    article = ArticleFactory()
    for _attempt in range(2):
        assert post_comment(client, article, email="not an address").status_code == 400
    response = post_comment(client, article, body="Keep these words")
    assert response.status_code == 429
    assert "Keep these words" in response.content.decode()
    assert not Comment.objects.exists()


def test_the_rate_limit_is_per_client(client, settings):
    settings.COMMENTS_RATE_LIMIT = "1/10m"
    article = ArticleFactory()
    url = reverse("comments:create", args=[article.slug])
    assert client.post(url, comment_data(), REMOTE_ADDR="10.0.0.1").status_code == 303
    assert client.post(url, comment_data(), REMOTE_ADDR="10.0.0.2").status_code == 303
    assert client.post(url, comment_data(), REMOTE_ADDR="10.0.0.1").status_code == 429


def test_the_rate_limit_key_never_holds_the_address(rf):
    first = antispam.client_key("blog.comments.create", rf.post("/", REMOTE_ADDR="10.9.8.7"))
    again = antispam.client_key("blog.comments.create", rf.post("/", REMOTE_ADDR="10.9.8.7"))
    other = antispam.client_key("blog.comments.create", rf.post("/", REMOTE_ADDR="10.9.8.8"))
    assert "10.9.8.7" not in first
    assert first == again
    assert first != other


def test_a_blocked_domain_is_rejected_with_400(client, settings):
    settings.COMMENTS_BLOCKED_DOMAINS = ["spam.example"]
    response = post_comment(client, ArticleFactory(), body="Visit www.spam.example today")
    assert response.status_code == 400
    assert "spam.example" in response.content.decode()
    assert not Comment.objects.exists()


def test_too_many_links_are_held_not_rejected(client, settings):
    settings.COMMENTS_MAX_LINKS = 1
    response = post_comment(client, ArticleFactory(), body="http://a.example.org http://b.example.org")
    assert response.status_code == 303
    assert Comment.objects.get().status == Comment.Status.PENDING


def test_missing_fields_get_an_error_summary_linking_to_them(client):
    response = post_comment(client, ArticleFactory(), name="", email="not-an-email")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html
    assert 'href="#id_name"' in html
    assert 'href="#id_email"' in html


def test_the_error_page_links_back_to_the_article(client):
    article = ArticleFactory()
    response = post_comment(client, article, body="")
    assert f'href="{article.get_absolute_url()}#comments"' in response.content.decode()


def test_closed_comments_answer_403_and_hide_the_form(client, settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 30
    article = ArticleFactory(published_at=timezone.now() - timedelta(days=40))
    response = post_comment(client, article)
    assert response.status_code == 403
    assert "closed" in response.content.decode()
    assert not Comment.objects.exists()
    assert 'name="body"' not in page(client, article)


def test_comments_on_a_draft_are_not_found(client):
    article = ArticleFactory(status="draft")
    assert post_comment(client, article).status_code == 404


def test_a_reply_is_attached_to_the_right_comment(client):
    article = ArticleFactory()
    CommentFactory(article=article)
    parent = CommentFactory(article=article)
    post_comment(client, article, parent=str(parent.pk), body="I agree")
    assert Comment.objects.get(body="I agree").parent == parent


def test_a_reply_to_a_pending_comment_is_refused(client):
    parent = CommentFactory(status=Comment.Status.PENDING)
    response = post_comment(client, parent.article, parent=str(parent.pk))
    assert response.status_code == 400


def test_reply_to_presets_the_parent_and_says_whom(client):
    parent = CommentFactory(name="Marta")
    html = page(client, parent.article, f"?reply_to={parent.pk}")
    assert f'name="parent" value="{parent.pk}"' in html
    assert "Replying to Marta" in html


def test_replies_show_under_their_parent_two_levels_deep(client):
    root = CommentFactory(name="Root")
    child = CommentFactory(article=root.article, parent=root, name="Child")
    CommentFactory(article=root.article, parent=child, name="Grandchild", body="deep reply")
    html = page(client, root.article)
    root_start = html.index(f'id="comment-{root.pk}"')
    child_start = html.index(f'id="comment-{child.pk}"')
    assert root_start < child_start < html.index("deep reply")
    assert html.count('class="comment-replies') == 2
    assert "Replying to Child" in html


def test_the_form_has_the_named_fields_with_labels(client):
    html = page(client, ArticleFactory())
    for name in ("name", "email", "body"):
        assert f'name="{name}"' in html
        assert f'for="id_{name}"' in html
    assert 'name="parent"' in html


def test_the_form_lets_the_browser_fill_in_the_readers_name_and_address(client):
    """WCAG 1.3.5: the fields about the reader say what they hold."""
    html = page(client, ArticleFactory())
    assert re.search(r'<input type="text" name="name"[^>]* autocomplete="name"', html)
    assert re.search(r'<input type="email" name="email"[^>]* autocomplete="email"', html)


def test_the_form_warns_about_health_details_and_links_the_inquiry_form(client):
    html = page(client, ArticleFactory())
    assert "health details" in html
    assert reverse("inquiries:new") in html


def test_hostile_markup_is_shown_as_text(client):
    comment = CommentFactory(body='<script>alert("x")</script><b>bold</b>')
    html = page(client, comment.article)
    assert '<script>alert("x")' not in html
    assert "&lt;script&gt;" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html


def test_links_are_made_nofollow_ugc(client):
    comment = CommentFactory(body="More at https://example.org/page")
    html = page(client, comment.article)
    assert '<a href="https://example.org/page" rel="nofollow ugc noopener">' in html


def test_line_breaks_are_kept(client):
    comment = CommentFactory(body="first line\nsecond line")
    assert "first line<br>second line" in page(client, comment.article)


def test_only_approved_comments_are_listed_and_counted(client):
    article = ArticleFactory()
    CommentFactory(article=article, body="visible one")
    CommentFactory(article=article, body="still pending", status=Comment.Status.PENDING)
    CommentFactory(article=article, body="pure spam", status=Comment.Status.SPAM)
    html = page(client, article)
    assert "visible one" in html
    assert "still pending" not in html
    assert "pure spam" not in html
    assert "1 comment" in html


def test_the_clinic_reply_carries_a_badge(client):
    parent = CommentFactory()
    moderation.reply_as_clinic(parent, by=StaffFactory(), body="We are glad it helped.")
    assert "by the clinic" in page(client, parent.article)


def test_every_approved_comment_has_a_like_and_a_reply_control(client):
    comment = CommentFactory(name="Lee")
    html = page(client, comment.article)
    assert reverse("comments:like", args=[comment.pk]) in html
    assert ">Like<span" in html
    assert f"?reply_to={comment.pk}#comment-form" in html


def like(client, comment, **kwargs):
    """A reader's like: the article page first (it sets the page-shown cookie), then the button."""
    client.get(comment.article.get_absolute_url())
    return client.post(reverse("comments:like", args=[comment.pk]), **kwargs)


def test_a_like_counts_once_per_browser(client):
    comment = CommentFactory()
    first = like(client, comment)
    like(client, comment)
    assert first.status_code == 303
    assert first["Location"] == comment.get_absolute_url()
    comment.refresh_from_db()
    assert comment.like_count == 1


def test_another_browser_adds_its_own_like(client):
    comment = CommentFactory()
    like(client, comment)
    like(Client(), comment)
    comment.refresh_from_db()
    assert comment.like_count == 2


@pytest.mark.parametrize("times", [1, 2])
def test_a_comment_like_is_said_at_the_comment_where_the_reader_lands(client, times):
    comment = CommentFactory()
    CommentFactory.create_batch(3, article=comment.article)
    responses = [like(client, comment) for _ in range(times)]
    said = {1: "Thanks for your like.", 2: "You have already liked this comment."}[times]
    assert_said_where_reader_lands(client, responses[-1], said)


def test_a_removed_comments_placeholder_cannot_be_liked(client):
    comment = CommentFactory()
    CommentFactory(article=comment.article, parent=comment)  # a reply keeps its placeholder
    moderation.remove_by_author(comment)
    comment.refresh_from_db()
    assert comment.is_removed
    assert like(client, comment).status_code == 404


def test_a_like_shows_on_the_page(client):
    comment = CommentFactory()
    page(Client(), comment.article)  # fills the cache
    like(client, comment)
    assert "(1)</button>" in page(client, comment.article)


@pytest.mark.parametrize("status", [Comment.Status.PENDING, Comment.Status.SPAM])
def test_only_approved_comments_can_be_liked(client, status):
    comment = CommentFactory(status=status)
    assert like(client, comment).status_code == 404


def test_approving_shows_the_comment_despite_the_cache(client):
    comment = CommentFactory(status=Comment.Status.PENDING, body="now you see me")
    assert "now you see me" not in page(client, comment.article)
    moderation.approve(comment, by=StaffFactory())
    assert "now you see me" in page(client, comment.article)


def test_an_admin_edit_refreshes_the_cached_thread(client, admin_client):
    comment = CommentFactory(body="before edit")
    page(client, comment.article)
    response = admin_client.post(
        reverse("admin:comments_comment_change", args=[comment.pk]),
        {"status": comment.status, "name": comment.name, "email": comment.email, "body": "after edit"},
    )
    assert response.status_code == 302
    assert "after edit" in page(client, comment.article)


def test_the_like_buttons_need_no_token_from_the_page(client):
    comment = CommentFactory()
    strict = Client(enforce_csrf_checks=True)
    html = strict.get(comment.article.get_absolute_url()).content.decode()
    assert "csrfmiddlewaretoken" not in html
    assert strict.cookies[antispam.PAGE_SHOWN_COOKIE].value
    response = strict.post(
        reverse("comments:like", args=[comment.pk]), headers={"Sec-Fetch-Site": "same-origin"}
    )
    assert response.status_code == 303


def test_a_like_sent_from_another_site_is_refused(client):
    comment = CommentFactory()
    response = like(client, comment, headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.like_count == 0


def test_a_comment_from_another_origin_is_refused(client):
    article = ArticleFactory()
    response = client.post(
        reverse("comments:create", args=[article.slug]),
        comment_data(),
        headers={"Origin": "https://elsewhere.example"},
    )
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_the_page_form_relies_on_the_time_trap_cookie(client):
    article = ArticleFactory()
    client.get(article.get_absolute_url())
    assert client.cookies[antispam.PAGE_SHOWN_COOKIE].value
    response = post_comment(client, article, started="")
    assert response.status_code == 400
    assert "too quickly" in response.content.decode()


def test_a_comment_sent_a_while_after_the_page_was_shown_is_accepted(client):
    article = ArticleFactory()
    client.cookies[antispam.PAGE_SHOWN_COOKIE] = antispam.make_time_token(
        salt=antispam.PAGE_SHOWN_SALT, at=time.time() - 30
    )
    response = post_comment(client, article, started="")
    assert response.status_code == 303
    assert Comment.objects.filter(article=article).exists()


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _thread(article, count):
    roots = CommentFactory.create_batch(count // 2, article=article)
    for root in roots:
        CommentFactory(article=article, parent=root)


def test_200_comments_take_as_many_queries_as_2(client):
    small, large = ArticleFactory(), ArticleFactory()
    _thread(small, 2)
    _thread(large, 200)
    assert Comment.objects.filter(article=large).count() == 200
    _count_queries(client, reverse("home"))  # warm up sessions and the like
    assert _count_queries(client, large.get_absolute_url()) == _count_queries(
        client, small.get_absolute_url()
    )


def _comment_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in queries if '"comments_comment"' in query["sql"]]


def test_a_cached_thread_needs_no_comment_query(client):
    article = ArticleFactory()
    _thread(article, 20)
    # A query string makes the page render for this reader (no whole-page cache), thread included.
    url = article.get_absolute_url() + "?from=email"
    assert len(_comment_queries(client, url)) == 2  # the thread's shape, then the page's comments
    assert _comment_queries(client, url) == []


def test_the_comment_count_tag_counts_approved_comments_only():
    article = ArticleFactory()
    CommentFactory.create_batch(2, article=article)
    CommentFactory(article=article, status=Comment.Status.PENDING)
    rendered = Template("{% load comments %}{% comment_count article %}").render(
        Context({"article": article})
    )
    assert rendered == "2"


def test_the_honeypot_is_hidden_from_people(client):
    html = page(client, ArticleFactory())
    assert '<div class="comment-hp" aria-hidden="true">' in html
    assert 'name="website"' in html

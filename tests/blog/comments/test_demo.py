import pytest

from blog.comments.demo import seed_comments
from blog.comments.models import Comment
from blog.demo import MYOFASCIAL_SLUG
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_the_demo_adds_approved_comments_with_replies():
    article = ArticleFactory(slug=MYOFASCIAL_SLUG)
    seed_comments()
    comments = Comment.objects.filter(article=article)
    assert comments.exists()
    assert not comments.exclude(status=Comment.Status.APPROVED).exists()
    assert comments.filter(parent__isnull=False).exists()
    assert comments.filter(is_staff_reply=True).exists()


def test_the_base_set_is_added_once():
    ArticleFactory()
    seed_comments()
    count = Comment.objects.count()
    assert seed_comments() == 0
    assert Comment.objects.count() == count


def test_extra_comments_go_to_the_myofascial_article():
    ArticleFactory()
    article = ArticleFactory(slug=MYOFASCIAL_SLUG)
    seed_comments()
    before = Comment.objects.filter(article=article).count()
    seed_comments(extra=30)
    extra = Comment.objects.filter(article=article).count() - before
    assert extra == 30
    assert Comment.objects.filter(article=article, name__startswith="Reader", parent__isnull=False).exists()


def test_without_the_myofascial_article_the_newest_one_is_used():
    article = ArticleFactory()
    seed_comments(extra=5)
    assert Comment.objects.filter(article=article, name__startswith="Reader").count() == 5


def test_drafts_get_no_demo_comments():
    ArticleFactory(status="draft")
    assert seed_comments(extra=5) == 0

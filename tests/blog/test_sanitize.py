import pytest

from blog.sanitize import sanitize_html
from tests.factories import ArticleFactory

# Image sources are typed: which literal addresses the cleaner keeps is what these tests check.


@pytest.mark.parametrize(
    ("hostile", "forbidden"),
    [
        ("<p>hi</p><script>alert(1)</script>", "alert"),
        ('<img src="/media/uploads/a.png" onerror="alert(1)">', "onerror"),
        ('<a href="javascript:alert(1)">click</a>', "javascript:"),
        ('<a href="JaVaScRiPt:alert(1)">click</a>', "alert"),
        ('<iframe src="https://evil.example/"></iframe>', "iframe"),
        ('<p style="background:url(https://evil.example/x)">hi</p>', "style"),
        ("<style>body{display:none}</style><p>hi</p>", "display"),
        ('<img src="data:image/png;base64,iVBORw0KGgo=">', "data:"),
        ('<a href="data:text/html,<script>alert(1)</script>">x</a>', "data:"),
        ('<p onclick="steal()">hi</p>', "onclick"),
        ('<object data="evil.swf"></object><embed src="evil.swf">', "swf"),
        ('<form action="https://evil.example"><input name="card"></form>', "form"),
        ('<svg onload="alert(1)"><circle r="1"/></svg>', "onload"),
        ("<h1>A second page title</h1>", "<h1"),
    ],
)
def test_hostile_html_comes_out_safe(hostile, forbidden):
    assert forbidden not in sanitize_html(hostile).lower()


def test_article_html_survives():
    html = (
        "<h2>Heading</h2><p><strong>Bold</strong> and <em>italic</em></p>"
        "<ul><li>one</li></ul><ol><li>two</li></ol><blockquote><p>quote</p></blockquote>"
    )
    assert sanitize_html(html) == html


def test_an_image_from_our_uploads_survives():
    html = '<p><img src="/media/uploads/0af3.png" alt="A stretch" width="600" height="400"></p>'
    assert sanitize_html(html) == html


@pytest.mark.parametrize(
    "src",
    [
        "https://tracker.example/pixel.gif",
        "//tracker.example/pixel.gif",
        "/media/../admin/logout/",
        "/media/%2e%2e/admin/logout/",
        "/static/x.png",
    ],
)
def test_an_image_from_anywhere_else_loses_its_source(src):
    assert "src" not in sanitize_html(f'<img src="{src}" alt="x">')


def test_links_keep_safe_schemes_and_get_noopener():
    out = sanitize_html('<a href="https://example.org/">web</a> <a href="mailto:a@example.org">mail</a>')
    assert 'href="https://example.org/"' in out
    assert 'href="mailto:a@example.org"' in out
    assert 'rel="noopener noreferrer"' in out


@pytest.mark.django_db
def test_the_body_is_sanitised_when_an_article_is_saved():
    article = ArticleFactory(body='<p onclick="x()">Hello</p><script>alert(1)</script>')
    article.refresh_from_db()
    assert article.body == "<p>Hello</p>"


def test_angle_brackets_inside_an_attribute_come_out_escaped():
    # blog.body_images reads the images of a sanitised body; no "<img" may stand inside a value.
    clean = sanitize_html('<p><a href="/x" title="<img src=x> and >">link</a></p>')
    assert 'title="&lt;img src=x&gt; and &gt;"' in clean
    assert "<img" not in clean

"""Where a reader sent back to a part of a page lands, and what they are told there."""

import re
from html.parser import HTMLParser

VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class _Split(HTMLParser):
    """The page's text in three parts: before the element with the id, inside it, and after it."""

    def __init__(self, element_id: str):
        super().__init__()
        self.element_id = element_id
        self.parts = {"before": [], "inside": [], "after": []}
        self.part = "before"
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        if self.part == "before" and dict(attrs).get("id") == self.element_id:
            self.part = "inside"
        elif self.part == "inside" and tag not in VOID_ELEMENTS:
            self.depth += 1

    def handle_endtag(self, tag):
        if self.part == "inside":
            if self.depth == 0:
                self.part = "after"
            else:
                self.depth -= 1

    def handle_data(self, data):
        self.parts[self.part].append(data)


def text_around(html: str, element_id: str) -> dict[str, str]:
    split = _Split(element_id)
    split.feed(html)
    assert split.part != "before", f'the page has no id="{element_id}"'
    return {name: " ".join(" ".join(data).split()) for name, data in split.parts.items()}


def assert_said_where_reader_lands(client, response, text: str) -> None:
    """The page ``response`` sends the reader to says ``text`` once, inside the element its link's
    fragment lands on (``#comments``: the element with ``id="comments"``), and nowhere else: not
    under the page's header, out of view."""
    fragment = ""
    while response.status_code in (301, 302, 303, 307, 308):  # as a browser follows them
        path, _, new_fragment = response["Location"].partition("#")
        fragment = new_fragment or fragment
        response = client.get(path)
    assert fragment, "the reader lands at the top of the page"
    parts = text_around(response.content.decode(), fragment)
    assert parts["inside"].count(text) == 1, parts["inside"]
    assert text not in parts["before"] + parts["after"]


def assert_form_comes_back_to_its_message(page_html: str, response, text: str) -> None:
    """The form on ``page_html``, sent back as ``response`` (a form with errors, rendered where it was
    posted), lands the reader on the element its action's fragment names, and ``text`` is said
    there: not above a long page, out of view."""
    action = re.search(r'<form method="post" action="([^"]*)"', page_html).group(1)
    fragment = action.partition("#")[2]
    assert fragment, "the form comes back at the top of the page"
    assert text in text_around(response.content.decode(), fragment)["inside"]

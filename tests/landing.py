"""Where a reader sent back to a part of a page lands, and what they see there."""


def shown_where_reader_lands(client, response, text) -> bool:
    """Whether the page ``response`` sends the reader to shows ``text`` once, inside the section its
    link's fragment lands on (``#comments`` lands on ``id="comments"``), and not above it, under the
    page's header, out of view."""
    location = response["Location"]
    path, _, fragment = location.partition("#")
    assert fragment, f"{location} lands at the top of the page"
    html = client.get(path).content.decode()
    before, found, section = html.partition(f'id="{fragment}"')
    assert found, f'the page has no id="{fragment}"'
    return text not in before and section.count(text) == 1

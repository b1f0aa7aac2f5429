"""Reading a page's schema.org blocks the way a search engine does: every ld+json script, parsed."""

import json
import re

_BLOCK = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def blocks(response) -> list[dict]:
    return [json.loads(text) for text in _BLOCK.findall(response.content.decode())]


def block_of_type(response, schema_type: str) -> dict:
    """The one top-level block of ``schema_type``; fails the test when there is none or several."""
    found = [block for block in blocks(response) if block.get("@type") == schema_type]
    assert len(found) == 1, f"{len(found)} {schema_type} blocks in the page"
    assert found[0]["@context"] == "https://schema.org"
    return found[0]

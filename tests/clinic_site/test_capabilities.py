from clinic_site.capabilities import SUBSTITUTE, hide_tokens, hide_tokens_in_headers


def test_a_token_in_a_plain_text_link_is_masked_and_the_rest_kept():
    text = "Read it here:\nhttps://clinic.example/inquiries/thread/?token=abc:DEF-123_x\n\nThe clinic"
    assert hide_tokens(text) == (
        f"Read it here:\nhttps://clinic.example/inquiries/thread/?token={SUBSTITUTE}\n\nThe clinic"
    )


def test_a_token_in_html_is_masked_up_to_the_end_of_the_attribute_and_after_an_escaped_ampersand():
    html = "<a href=\"https://clinic.example/x/?a=1&amp;token=SECRET\">x</a> <a href='/y/?token=OTHER'>y</a>"
    masked = hide_tokens(html)
    assert "SECRET" not in masked and "OTHER" not in masked
    assert f'?a=1&amp;token={SUBSTITUTE}">x</a>' in masked


def test_a_word_that_merely_ends_in_token_is_left_alone():
    assert hide_tokens("the mytoken=1 and ?page=2") == "the mytoken=1 and ?page=2"


def test_headers_are_masked_value_by_value():
    headers = {"List-Unsubscribe": "<https://clinic.example/blog/comments/unsubscribe/?token=SECRET>"}
    assert hide_tokens_in_headers(headers) == {
        "List-Unsubscribe": f"<https://clinic.example/blog/comments/unsubscribe/?token={SUBSTITUTE}>"
    }
    assert hide_tokens_in_headers(None) is None

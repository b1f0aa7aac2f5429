from datetime import timedelta

import pytest
from django.template import Context, Template

from clinic_site.durations import format_duration


@pytest.mark.parametrize(
    ("wait", "shown"),
    [
        (timedelta(seconds=40), "0 min"),
        (timedelta(minutes=5), "5 min"),
        (timedelta(minutes=59, seconds=59), "59 min"),
        (timedelta(hours=3), "3 h"),
        (timedelta(hours=3, minutes=10), "3 h 10 min"),
        (timedelta(hours=23, minutes=59), "23 h 59 min"),
        (timedelta(days=1), "1 day"),
        (timedelta(days=2, hours=4, minutes=50), "2 days 4 h"),
        (timedelta(days=12, minutes=5), "12 days"),
        (timedelta(seconds=-30), "0 min"),
    ],
)
def test_durations_read_as_people_say_them(wait, shown):
    assert format_duration(wait) == shown


def test_the_template_filter_is_the_same_helper():
    html = Template("{% load clinic_extras %}{{ wait|duration }}").render(
        Context({"wait": timedelta(minutes=190)})
    )
    assert html == "3 h 10 min"

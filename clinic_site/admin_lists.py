"""What keeps the admin's long lists (comments, inquiries) fast however many rows they hold.

- ``LongListAdmin``: what the two list admins share: pages of 50, no second count of the whole
  table, and a row's selection checkbox written directly instead of through the form renderer's
  templates (a third of the page's time at 100 rows).
- ``EstimatedCountPaginator``: a list with no filter is counted from PostgreSQL's statistics
  (``pg_class.reltuples``, kept by autovacuum) instead of reading every row; a filtered list, a
  small table and SQLite are counted exactly.
- ``date_hierarchy``: the admin's date drill-down (years, months, days) with each period's rows
  found by one index probe, all in one query, where Django's own reads every row of the list to
  collect its distinct months.
"""

import calendar
import datetime

from django.conf import settings
from django.contrib import admin
from django.contrib.admin import helpers
from django.core.paginator import Paginator
from django.db import connections, models
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext as _


class EstimatedCountPaginator(Paginator):
    # Below this the exact count is cheap, and the statistics of a young table are the least exact.
    exact_below = 20_000

    @cached_property
    def count(self):
        estimate = self._estimate()
        if estimate is None or estimate < self.exact_below:
            return super().count
        return estimate

    def _estimate(self) -> int | None:
        queryset = self.object_list
        if not isinstance(queryset, models.QuerySet):
            return None
        query = queryset.query
        if query.where or query.distinct or query.combinator or query.is_sliced:
            return None
        connection = connections[queryset.db]
        if connection.vendor != "postgresql":
            return None
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples FROM pg_class WHERE oid = to_regclass(%s)", [queryset.model._meta.db_table]
            )
            row = cursor.fetchone()
        # -1: never analysed yet.
        return int(row[0]) if row and row[0] >= 0 else None


class LongListAdmin(admin.ModelAdmin):
    """A ModelAdmin for a list that grows without end (comments, inquiries)."""

    list_per_page = 50
    # A filtered list counts only its own rows: no second count of the whole table on every page
    # (the admin links "Show all" instead of printing the total).
    show_full_result_count = False

    def action_checkbox(self, obj):
        # The same input Django's CheckboxInput renders, without a template render per row.
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            format_html(_("Select this object for an action - {}"), str(obj)),
        )


def _start(field, day: datetime.date):
    """The first instant of ``day`` in the current time zone (the admin's own truncation uses it)."""
    if not isinstance(field, models.DateTimeField):
        return day
    moment = datetime.datetime.combine(day, datetime.time.min)
    return timezone.make_aware(moment) if settings.USE_TZ else moment


def _local(value):
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def _next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def periods_with_rows(queryset, field_name: str, periods: list[tuple]) -> list[int]:
    """The indexes of ``periods`` (first day, day after the last) that hold at least one row of
    ``queryset``: one query, one probe per period for its first row in the field's order. Asked
    for the first row, PostgreSQL reads the field's index; asked only whether a row exists in a
    period it guesses to be full, it may read the table from the start instead."""
    if not periods:
        return []
    field = queryset.model._meta.get_field(field_name)
    checks = {
        f"period_{number}": models.Subquery(
            queryset.filter(
                **{f"{field_name}__gte": _start(field, first), f"{field_name}__lt": _start(field, after)}
            )
            .order_by(field_name)
            .values(field_name)[:1]
        )
        for number, (first, after) in enumerate(periods)
    }
    row = (
        queryset.model._default_manager.using(queryset.db)
        .annotate(**checks)
        .order_by()
        .values(*checks)
        .first()
    )
    if row is None:
        return []
    return [number for number in range(len(periods)) if row[f"period_{number}"] is not None]


def date_hierarchy(cl) -> dict:
    """The context of ``admin/date_hierarchy.html`` for the changelist ``cl``, as Django's tag
    gives it: years, then a year's months, then a month's days, each only if it holds rows."""
    field_name = cl.date_hierarchy
    year_param, month_param, day_param = (f"{field_name}__{part}" for part in ("year", "month", "day"))
    year, month, day = (cl.params.get(param) for param in (year_param, month_param, day_param))

    def link(filters):
        return cl.get_query_string(filters, [f"{field_name}__"])

    if not year:
        bounds = cl.queryset.aggregate(first=models.Min(field_name), last=models.Max(field_name))
        first, last = _local(bounds["first"]), _local(bounds["last"])
        if first and last and first.year == last.year:
            year = first.year
            if first.month == last.month:
                month = first.month
        elif first and last:
            years = [
                (datetime.date(number, 1, 1), datetime.date(number + 1, 1, 1))
                for number in range(first.year, last.year + 1)
            ]
            found = periods_with_rows(cl.queryset, field_name, years)
            return {
                "show": True,
                "back": None,
                "choices": [
                    {"link": link({year_param: str(years[n][0].year)}), "title": str(years[n][0].year)}
                    for n in found
                ],
            }
        else:
            return {"show": True, "back": None, "choices": []}
    year, month = int(year), int(month) if month else None
    if month and day:
        chosen = datetime.date(year, month, int(day))
        return {
            "show": True,
            "back": {
                "link": link({year_param: year, month_param: month}),
                "title": capfirst(formats.date_format(chosen, "YEAR_MONTH_FORMAT")),
            },
            "choices": [{"title": capfirst(formats.date_format(chosen, "MONTH_DAY_FORMAT"))}],
        }
    if month:
        days = [
            (datetime.date(year, month, d), datetime.date(year, month, d) + datetime.timedelta(days=1))
            for d in range(1, calendar.monthrange(year, month)[1] + 1)
        ]
        found = periods_with_rows(cl.queryset, field_name, days)
        return {
            "show": True,
            "back": {"link": link({year_param: year}), "title": str(year)},
            "choices": [
                {
                    "link": link({year_param: year, month_param: month, day_param: days[n][0].day}),
                    "title": capfirst(formats.date_format(days[n][0], "MONTH_DAY_FORMAT")),
                }
                for n in found
            ],
        }
    months = [(datetime.date(year, m, 1), _next_month(datetime.date(year, m, 1))) for m in range(1, 13)]
    found = periods_with_rows(cl.queryset, field_name, months)
    return {
        "show": True,
        "back": {"link": link({}), "title": _("All dates")},
        "choices": [
            {
                "link": link({year_param: year, month_param: months[n][0].month}),
                "title": capfirst(formats.date_format(months[n][0], "YEAR_MONTH_FORMAT")),
            }
            for n in found
        ],
    }

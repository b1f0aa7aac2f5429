"""How the site writes a length of time for people: "5 min", "3 h 10 min", "2 days 4 h".

One helper, used wherever a duration is shown (the inquiry list, the admin home's median), so that
the same wait never reads two ways.
"""

from datetime import timedelta

from django.utils.translation import gettext, ngettext


def format_duration(value: timedelta | None) -> str:
    """Two units at most, the smaller one left out when it is zero; under a minute is "0 min".

    Below an hour: minutes. Below a day: hours and minutes. From a day: days and hours. Rounded
    down, so "1 day" is shown only once a full day has passed.
    """
    if value is None:
        return ""
    minutes = max(0, int(value.total_seconds()) // 60)
    days, minutes = divmod(minutes, 60 * 24)
    hours, minutes = divmod(minutes, 60)
    if days:
        text = ngettext("%(days)d day", "%(days)d days", days) % {"days": days}
        return text + (" " + gettext("%(hours)d h") % {"hours": hours} if hours else "")
    if hours:
        text = gettext("%(hours)d h") % {"hours": hours}
        return text + (" " + gettext("%(minutes)d min") % {"minutes": minutes} if minutes else "")
    return gettext("%(minutes)d min") % {"minutes": minutes}

from django.utils.functional import SimpleLazyObject

from .models import Location
from .practice import current


def clinic(request):
    """The practice (its record: name, logo, phone, promises) and its locations, for every page.

    Both lazy: read only by a template that uses them (every page's header and footer do). And the
    places in the page where flash messages are said, none unless the view names some
    (clinic_extras.placed): the header then says them all.
    """
    return {
        "clinic": SimpleLazyObject(current),
        "clinic_locations": Location.objects.all(),
        "message_places": (),
    }

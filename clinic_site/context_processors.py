from django.conf import settings

from .models import Location


def clinic(request):
    """The practice's identity, for the header and footer of every page."""
    return {
        "clinic": {
            "name": settings.CLINIC_NAME,
            "email": settings.CLINIC_EMAIL,
            "phone": settings.CLINIC_PHONE,
        },
        # Lazy: evaluated only by templates that iterate it (the footer).
        "clinic_locations": Location.objects.all(),
    }

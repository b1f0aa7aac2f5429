from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Clinician, Location


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "phone", "email", "order"]
    list_editable = ["order"]
    search_fields = ["name", "street", "city", "postal_code"]
    prepopulated_fields = {"slug": ["name"]}
    view_on_site = True


@admin.register(Clinician)
class ClinicianAdmin(admin.ModelAdmin):
    list_display = ["name", "credentials", "role", "title", "user", "order"]
    list_editable = ["order"]
    list_filter = ["role", "locations"]
    list_select_related = ["user"]
    search_fields = ["name", "credentials", "title"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["locations"]
    autocomplete_fields = ["user"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "credentials", "role", "title", "bio", "order"]}),
        (_("Where and who"), {"fields": ["locations", "user"]}),
    ]

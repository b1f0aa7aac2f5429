import itertools

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminTimeWidget
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils.functional import lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from modeltranslation.admin import TranslationAdmin
from solo.admin import SingletonModelAdmin

from blog.uploads import cleaned_upload

from .models import Clinician, Location, OpeningHours, Practice, StaffLanguage, Weekday
from .practice import current as current_practice
from .signin import devices as signin_devices
from .signin.models import Passkey

# No menu of every model down the left of each admin page: beside the filters it left the inquiry
# list a third of a 1280-pixel screen, its status and assignee out of sight. Each role has a few
# lists, all on the admin's home page, one click away through the breadcrumbs.
admin.site.enable_nav_sidebar = False


def _site_name() -> str:
    return gettext("%(clinic)s administration") % {"clinic": current_practice().name}


# The practice's name at the top of every admin page and in its tab, in the staff member's language
# (Django's own says "Django administration").
admin.site.site_header = admin.site.site_title = lazy(_site_name, str)()

# Staff photos and logos are at most this many pixels on their longer side once re-encoded.
PHOTO_MAX_SIDE = 1200


def reencoded(upload, *, max_side: int | None = PHOTO_MAX_SIDE):
    """A fresh upload, checked and re-encoded by Pillow like every staff image (blog.uploads);
    the file already stored passes as it is."""
    if isinstance(upload, UploadedFile):
        return cleaned_upload(upload, max_side=max_side)
    return upload


class PracticeAdminForm(forms.ModelForm):
    class Meta:
        model = Practice
        fields = [
            "name", "logo", "introduction_en", "introduction_es", "phone", "email", "reply_days",
            "emergency_number", "privacy_contact_en", "privacy_contact_es", "privacy_email",
        ]  # fmt: skip
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in ["introduction_en", "introduction_es"]}

    def clean_logo(self):
        return reencoded(self.cleaned_data.get("logo"))


@admin.register(Practice)
class PracticeAdmin(TranslationAdmin, SingletonModelAdmin):
    """The practice's one record: every page and email reads it, and a save shows at once. What
    patients read is written in each language side by side (clinic_site/translation.py)."""

    form = PracticeAdminForm
    fieldsets = [
        (None, {"fields": ["name", "logo", ("introduction_en", "introduction_es")]}),
        (_("How patients reach you"), {"fields": ["phone", "email", "reply_days", "emergency_number"]}),
        (_("Privacy"), {"fields": [("privacy_contact_en", "privacy_contact_es"), "privacy_email"]}),
    ]
    view_on_site = True


class OpeningHoursFormSet(forms.BaseInlineFormSet):
    def clean(self):
        """No two periods of one day overlap: a lunch break is two rows (7:00-12:00, 13:00-19:00),
        not a short row inside a long one, which the page would show as two times that day."""
        super().clean()
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and all(form.cleaned_data.get(name) is not None for name in ("weekday", "opens", "closes"))
        ]
        kept.sort(key=lambda row: (row["weekday"], row["opens"]))
        for earlier, later in itertools.pairwise(kept):
            if earlier["weekday"] == later["weekday"] and later["opens"] < earlier["closes"]:
                raise ValidationError(
                    _(
                        "%(day)s: %(first)s and %(second)s overlap. For a break, give the day two "
                        "periods that do not overlap, e.g. 7:00-12:00 and 13:00-19:00."
                    )
                    % {
                        "day": Weekday(earlier["weekday"]).label,
                        "first": f"{earlier['opens']:%H:%M}-{earlier['closes']:%H:%M}",
                        "second": f"{later['opens']:%H:%M}-{later['closes']:%H:%M}",
                    }
                )


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    formset = OpeningHoursFormSet
    extra = 0
    fields = ["weekday", "opens", "closes"]
    view_on_site = False  # each row would link to the location's page, as its own page does
    # Hours and minutes, as the site shows them (not 07:00:00).
    formfield_overrides = {models.TimeField: {"widget": AdminTimeWidget(format="%H:%M")}}
    verbose_name_plural = _("opening hours (a day without a row is closed; two rows for a break)")


class LocationAdminForm(forms.ModelForm):
    class Meta:
        model = Location
        fields = [
            "name", "slug", "order", "street", "city", "region", "postal_code", "phone", "email",
            "latitude", "longitude", "hours_note_en", "hours_note_es", "parking_en", "parking_es",
            "accessibility_en", "accessibility_es", "photo", "photo_alt_en", "photo_alt_es",
        ]  # fmt: skip
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in ["parking_en", "parking_es", "accessibility_en", "accessibility_es"]
        }

    def clean_photo(self):
        return reencoded(self.cleaned_data.get("photo"))


@admin.register(Location)
class LocationAdmin(TranslationAdmin):
    form = LocationAdminForm
    inlines = [OpeningHoursInline]
    list_display = ["name", "city", "phone", "email", "has_coordinates", "order"]
    list_editable = ["order"]
    search_fields = ["name", "street", "city", "postal_code"]
    prepopulated_fields = {"slug": ["name"]}
    view_on_site = True
    fieldsets = [
        (None, {"fields": ["name", "slug", "order"]}),
        (_("Address and contact"), {"fields": ["street", "city", "region", "postal_code", "phone", "email"]}),
        (_("On the map"), {"fields": ["latitude", "longitude"]}),
        (
            _("Visiting"),
            {
                "fields": [
                    ("hours_note_en", "hours_note_es"),
                    ("parking_en", "parking_es"),
                    ("accessibility_en", "accessibility_es"),
                    "photo",
                    ("photo_alt_en", "photo_alt_es"),
                ]
            },
        ),
    ]

    @admin.display(boolean=True, description=_("on the map"))
    def has_coordinates(self, location):
        return location.latitude is not None


class ClinicianAdminForm(forms.ModelForm):
    class Meta:
        model = Clinician
        fields = [
            "name", "slug", "credentials", "role", "title_en", "title_es", "bio_en", "bio_es", "order",
            "show_on_team_page", "photo", "photo_alt_en", "photo_alt_es", "locations", "user",
        ]  # fmt: skip
        widgets = {name: forms.Textarea(attrs={"rows": 6}) for name in ["bio_en", "bio_es"]}

    def clean_photo(self):
        return reencoded(self.cleaned_data.get("photo"))


@admin.register(Clinician)
class ClinicianAdmin(TranslationAdmin):
    form = ClinicianAdminForm
    list_display = [
        "name",
        "credentials",
        "role",
        "title",
        "show_on_team_page",
        "may_review",
        "user",
        "order",
    ]
    list_editable = ["order"]
    list_filter = ["show_on_team_page", "role", "locations"]
    list_select_related = ["user"]
    search_fields = ["name", "credentials", "title"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["locations"]
    autocomplete_fields = ["user"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "slug",
                    "credentials",
                    "role",
                    ("title_en", "title_es"),
                    ("bio_en", "bio_es"),
                    "order",
                ]
            },
        ),
        (
            _("Team page"),
            {
                "fields": ["show_on_team_page", "photo", ("photo_alt_en", "photo_alt_es")],
                "description": _(
                    "Shown: a page at /team/ with the photo, bio, locations and articles, and bylines "
                    "that link to it."
                ),
            },
        ),
        (_("Where and who"), {"fields": ["locations", "user"]}),
    ]

    def view_on_site(self, clinician):
        # Their team page answers only while they are shown on it.
        return clinician.get_absolute_url() if clinician.show_on_team_page else None

    @admin.display(boolean=True, description=_("may review articles"))
    def may_review(self, clinician):
        return clinician.is_clinical_reviewer


class StaffLanguageInline(admin.StackedInline):
    model = StaffLanguage
    can_delete = True
    extra = 0
    max_num = 1


class StaffUserAdmin(UserAdmin):
    """Django's user admin, with whether each account has a second factor and the owner's reset, and
    the language each staff member reads the admin in."""

    list_display = [*UserAdmin.list_display, "has_second_factor"]
    inlines = [StaffLanguageInline]
    actions = ["reset_second_factor"]

    def get_queryset(self, request):
        confirmed_app = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return super().get_queryset(request).annotate(_has_second_factor=Exists(confirmed_app))

    @admin.display(boolean=True, description=_("authenticator app"), ordering="_has_second_factor")
    def has_second_factor(self, user):
        return user._has_second_factor

    @admin.action(description=_("Reset the second factor (they set up a new one at next sign-in)"))
    def reset_second_factor(self, request, queryset):
        if not request.user.is_superuser:
            raise PermissionDenied
        for user in queryset:
            # Resetting one's own account keeps this session (the one that just proved both factors).
            signin_devices.reset(
                user, keep_session=request.session.session_key if user == request.user else None
            )
        count = len(queryset)
        self.message_user(
            request,
            ngettext(
                "Second factor reset for %(count)d account: its devices are removed and it is signed "
                "out everywhere.",
                "Second factor reset for %(count)d accounts: their devices are removed and they are "
                "signed out everywhere.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.is_superuser:
            actions.pop("reset_second_factor", None)
        return actions


admin.site.unregister(User)
admin.site.register(User, StaffUserAdmin)


@admin.register(Passkey)
class PasskeyAdmin(admin.ModelAdmin):
    """Staff passkeys, for the owner to see and remove; new ones are added only by their owner."""

    list_display = ["name", "user", "created_at", "last_used_at"]
    list_select_related = ["user"]
    search_fields = ["name", "user__username"]
    readonly_fields = ["user", "credential_id", "sign_count", "created_at", "last_used_at"]
    fields = ["user", "name", "confirmed", *readonly_fields[1:]]

    def has_add_permission(self, request):
        return False

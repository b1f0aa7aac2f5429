import re
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from solo.models import SingletonModel

from .fields import ResponsiveImageField


def _default_name() -> str:
    return settings.CLINIC_NAME


def _default_email() -> str:
    return settings.CLINIC_EMAIL


def _default_phone() -> str:
    return settings.CLINIC_PHONE


def _default_reply_days() -> int:
    return settings.INQUIRIES_RESPONSE_DAYS


# Translatable: modeltranslation gives each language's column this default in its own language.
DEFAULT_INTRODUCTION = _(
    "Physical therapy and massage therapy for pain, injuries and getting back to what you enjoy. "
    "Our therapists write about what they treat every day, so you can understand your body before "
    "you even book."
)

phone_number = RegexValidator(
    r"^\+?[\d\s().-]{3,40}$", _("Write a phone number with digits, spaces, brackets, dots or dashes.")
)


class Practice(SingletonModel):
    """The practice itself, one row the owner edits in the admin: what every page and email says about it.

    Created on first use from the CLINIC_* environment variables (and INQUIRIES_RESPONSE_DAYS); after
    that the row is what counts. Read it with ``clinic_site.practice.current()``, never directly.
    """

    name = models.CharField(_("name"), max_length=120, default=_default_name)
    logo = ResponsiveImageField(
        _("logo"),
        upload_to="practice/",
        blank=True,
        width_field="logo_width",
        height_field="logo_height",
        variants_field="logo_variants",
        help_text=_(
            "PNG, JPEG or WebP, ideally wide and at least 96 pixels tall; shown in the header. "
            "The browser icons are made from it. Empty: the name alone, and a plain mark as the icon."
        ),
    )
    logo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    logo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    logo_variants = models.JSONField(null=True, blank=True, editable=False)
    phone = models.CharField(
        _("main phone"),
        max_length=40,
        default=_default_phone,
        validators=[phone_number],
        help_text=_("In the header of every page and in the patient's acknowledgement email."),
    )
    email = models.EmailField(_("public email"), default=_default_email)
    reply_days = models.PositiveSmallIntegerField(
        _("reply promise (working days)"),
        default=_default_reply_days,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_("How soon the thank-you page and the acknowledgement promise an answer to an inquiry."),
    )
    emergency_number = models.CharField(
        _("emergency number"),
        max_length=20,
        default="911",
        validators=[phone_number],
        help_text=_("The number the inquiry form tells people to call in an emergency."),
    )
    introduction = models.TextField(
        _("home page introduction"),
        max_length=600,
        default=DEFAULT_INTRODUCTION,
        help_text=_("The paragraph under the name on the home page; also the site's description."),
    )
    privacy_contact = models.CharField(
        _("privacy contact"),
        max_length=200,
        blank=True,
        help_text=_("Who answers questions about personal data, e.g. “Maya Okafor, practice owner”."),
    )
    privacy_email = models.EmailField(
        _("privacy email"), blank=True, help_text=_("Empty: the public email above.")
    )

    class Meta:
        verbose_name = _("practice")
        constraints = [
            # One row: django-solo always saves with this primary key; the database holds to it too.
            models.CheckConstraint(condition=models.Q(pk=1), name="practice_single_row"),
            models.CheckConstraint(
                condition=models.Q(reply_days__gte=1, reply_days__lte=30), name="practice_reply_days_range"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("home")

    @property
    def privacy_address(self) -> str:
        return self.privacy_email or self.email

    @property
    def icons_version(self) -> str:
        """The version in the browser icons' URLs: it changes whenever the logo does."""
        from .icons import version_for

        return version_for(self.logo.name)


class Location(models.Model):
    """One of the practice's clinics."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    street = models.CharField(_("street address"), max_length=200)
    city = models.CharField(_("city"), max_length=100)
    region = models.CharField(_("state or region"), max_length=100, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(-90)), MaxValueValidator(Decimal(90))],
        help_text=_("Of the entrance, in decimal degrees (e.g. 36.846300): the map link goes there."),
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(-180)), MaxValueValidator(Decimal(180))],
    )
    hours_note = models.CharField(
        _("note on the hours"),
        max_length=200,
        blank=True,
        help_text=_("What the weekly hours below do not say, e.g. “Closed on public holidays”."),
    )
    parking = models.TextField(_("parking"), blank=True)
    accessibility = models.TextField(
        _("accessibility"),
        blank=True,
        help_text=_("Step-free entrance, lifts, restrooms, anything a visitor should know."),
    )
    photo = ResponsiveImageField(
        _("photo"),
        upload_to="locations/",
        blank=True,
        width_field="photo_width",
        height_field="photo_height",
        variants_field="photo_variants",
    )
    photo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_variants = models.JSONField(null=True, blank=True, editable=False)
    photo_alt = models.CharField(
        _("photo description"),
        max_length=200,
        blank=True,
        help_text=_("What the photo shows, for people who cannot see it. Required with a photo."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(photo="") | ~models.Q(photo_alt=""), name="location_photo_has_alt"
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(latitude__isnull=False, longitude__isnull=False),
                name="location_coordinates_both_or_neither",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("location", args=[self.slug])

    def clean(self):
        # The English description is the one every language falls back to (clinic_site/translation.py).
        if self.photo and not (self.photo_alt_en or "").strip():
            raise ValidationError({"photo_alt_en": _("Describe the photo for people who cannot see it.")})
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(_("Give both the latitude and the longitude, or neither."))

    def week(self) -> list["DayHours"]:
        """Monday to Sunday, each with its opening periods (none: closed). Prefetch opening_hours."""
        periods = {day: [] for day in Weekday}
        for row in self.opening_hours.all():
            periods[Weekday(row.weekday)].append(row)
        return [DayHours(first=day, last=day, periods=rows) for day, rows in periods.items()]

    def week_summary(self) -> list["DayHours"]:
        """The week with runs of days that keep the same hours joined (Monday to Thursday, say)."""
        runs: list[DayHours] = []
        for day in self.week():
            if runs and runs[-1].same_hours(day):
                runs[-1] = DayHours(first=runs[-1].first, last=day.last, periods=runs[-1].periods)
            else:
                runs.append(day)
        return runs

    @property
    def map_url(self) -> str:
        """A plain link to OpenStreetMap at the clinic's coordinates (never an embedded map)."""
        if self.latitude is None or self.longitude is None:
            return ""
        lat, lon = f"{self.latitude:.6f}", f"{self.longitude:.6f}"
        return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"

    @property
    def address(self) -> str:
        parts = [self.street, self.city, " ".join(p for p in (self.region, self.postal_code) if p)]
        return ", ".join(p for p in parts if p)


# The licences that let a clinician sign off health content as its clinical reviewer: a physical
# therapist's (PT) or doctor of physical therapy's (DPT). An assistant (PTA) or a massage therapist
# (LMT) treats under a plan but does not set one, so their review would not be a clinical review.
CLINICAL_CREDENTIALS = ("PT", "DPT")
# The same rule for the database (limit_choices_to, the admin's choices): one of those letters as a
# whole item of the credentials, as they are written ("PT, DPT", "DPT, OCS").
CLINICAL_CREDENTIAL_REGEX = r"(^|[ ,])(" + "|".join(CLINICAL_CREDENTIALS) + r")([ ,]|$)"


class ClinicianQuerySet(models.QuerySet):
    def on_team_page(self):
        """Those the practice shows publicly: the team pages, and links from their bylines."""
        return self.filter(show_on_team_page=True)

    def clinical_reviewers(self):
        return self.filter(clinical_reviewer_q())


def clinical_reviewer_q() -> models.Q:
    """Who may be an article's clinical reviewer: a physical therapist holding a PT or DPT licence."""
    return models.Q(role=Clinician.Role.PHYSICAL_THERAPIST, credentials__iregex=CLINICAL_CREDENTIAL_REGEX)


@dataclass(frozen=True)
class DayHours:
    """A day, or a run of days, and its opening periods (``OpeningHours`` rows)."""

    first: "Weekday"
    last: "Weekday"
    periods: list

    @property
    def is_closed(self) -> bool:
        return not self.periods

    def same_hours(self, other: "DayHours") -> bool:
        return [(p.opens, p.closes) for p in self.periods] == [(p.opens, p.closes) for p in other.periods]


class Weekday(models.IntegerChoices):
    """ISO weekday numbers, Monday first; each knows its schema.org name. The labels have a context of
    their own: in a sentence a date's weekday is Django's (lower case in Spanish, "martes 4 de marzo")."""

    MONDAY = 1, pgettext_lazy("a day as a label, capitalised", "Monday")
    TUESDAY = 2, pgettext_lazy("a day as a label, capitalised", "Tuesday")
    WEDNESDAY = 3, pgettext_lazy("a day as a label, capitalised", "Wednesday")
    THURSDAY = 4, pgettext_lazy("a day as a label, capitalised", "Thursday")
    FRIDAY = 5, pgettext_lazy("a day as a label, capitalised", "Friday")
    SATURDAY = 6, pgettext_lazy("a day as a label, capitalised", "Saturday")
    SUNDAY = 7, pgettext_lazy("a day as a label, capitalised", "Sunday")

    @property
    def schema_org(self) -> str:
        return "https://schema.org/" + self.name.capitalize()


class OpeningHours(models.Model):
    """One opening period of a location on one weekday; a day without a row is a closed day.

    A day may have two periods (a lunch break): two rows.
    """

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["location", "weekday", "opens"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes__gt=models.F("opens")), name="hours_close_after_opening"
            ),
            models.UniqueConstraint(
                fields=["location", "weekday", "opens"], name="hours_one_period_per_start"
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"

    def get_absolute_url(self):
        return self.location.get_absolute_url()

    def clean(self):
        if self.opens and self.closes and self.closes <= self.opens:
            raise ValidationError({"closes": _("Closing time must be after opening time.")})


class Clinician(models.Model):
    """A member of the clinical team: an article's author or reviewer, on the team pages, used for routing."""

    class Role(models.TextChoices):
        PHYSICAL_THERAPIST = "pt", _("Physical therapist")
        PT_ASSISTANT = "pta", _("Physical therapist assistant")
        MASSAGE_THERAPIST = "lmt", _("Licensed massage therapist")
        FRONT_DESK = "desk", _("Front desk")

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    credentials = models.CharField(
        _("credentials"), max_length=60, blank=True, help_text=_("As printed after the name, e.g. “PT, DPT”.")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    title = models.CharField(_("title"), max_length=120, blank=True, help_text=_("e.g. “Owner”."))
    bio = models.TextField(_("short bio"), blank=True, help_text=_("Shown on their team page."))
    show_on_team_page = models.BooleanField(
        _("show on the team page"),
        default=False,
        help_text=_("Their page at /team/, and links to it from the articles they wrote or reviewed."),
    )
    photo = ResponsiveImageField(
        _("photo"),
        upload_to="team/",
        blank=True,
        width_field="photo_width",
        height_field="photo_height",
        variants_field="photo_variants",
        help_text=_("JPEG, PNG or WebP; stored re-encoded, at most 1,200 pixels on its longer side."),
    )
    photo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_variants = models.JSONField(null=True, blank=True, editable=False)
    photo_alt = models.CharField(
        _("photo description"),
        max_length=250,
        blank=True,
        help_text=_("Describe the photo for people who cannot see it. Required with a photo."),
    )
    locations = models.ManyToManyField(Location, related_name="clinicians", blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="clinician",
        help_text=_("The staff account of this clinician, if they have one."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = ClinicianQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("clinician")
        verbose_name_plural = _("clinicians")
        indexes = [models.Index(fields=["show_on_team_page", "order"], name="clinician_team_page_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(photo="") | ~models.Q(photo_alt=""),
                name="clinician_photo_has_alt",
                violation_error_message=_("A photo needs a description (alt text)."),
            ),
        ]

    def __str__(self):
        return self.signature

    def get_absolute_url(self):
        """Their team page; it answers only while ``show_on_team_page`` is set."""
        return reverse("team_member", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        # The English description is the one every language falls back to (clinic_site/translation.py).
        if self.photo and not (self.photo_alt_en or "").strip():
            raise ValidationError(
                {"photo_alt_en": _("A photo needs a description (alt text).")}, code="photo_without_alt"
            )

    @property
    def signature(self) -> str:
        return f"{self.name}, {self.credentials}" if self.credentials else self.name

    @property
    def is_clinical_reviewer(self) -> bool:
        """Whether they may sign off an article's clinical review (CLINICAL_CREDENTIALS above)."""
        return self.role == self.Role.PHYSICAL_THERAPIST and bool(
            re.search(CLINICAL_CREDENTIAL_REGEX, self.credentials, flags=re.IGNORECASE)
        )

    @property
    def initials(self) -> str:
        """For the monogram shown when there is no photo."""
        return "".join(part[0] for part in self.name.split()[:2]).upper()


class StaffLanguage(models.Model):
    """The language a staff member reads the admin in (clinic_site.i18n.StaffLanguageMiddleware)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="language_preference",
        verbose_name=_("staff account"),
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)

    class Meta:
        verbose_name = _("admin language")
        verbose_name_plural = _("admin languages")

    def __str__(self):
        return f"{self.user}: {self.get_language_display()}"


from .signin.models import Passkey  # noqa: E402, F401  (the staff sign-in's model lives with its code)

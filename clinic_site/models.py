import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


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
    hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("location")
        verbose_name_plural = _("locations")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("locations") + f"#{self.slug}"

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
    photo = models.ImageField(
        _("photo"),
        upload_to="team/",
        blank=True,
        width_field="photo_width",
        height_field="photo_height",
        help_text=_("JPEG, PNG or WebP; stored re-encoded, at most 1,200 pixels on its longer side."),
    )
    photo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
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
        if self.photo and not self.photo_alt.strip():
            raise ValidationError(
                {"photo_alt": _("A photo needs a description (alt text).")}, code="photo_without_alt"
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


from .signin.models import Passkey  # noqa: E402, F401  (the staff sign-in's model lives with its code)

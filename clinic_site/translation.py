"""The practice's data that patients read, in every language of ``LANGUAGES`` (django-modeltranslation).

Each field named here gets a column per language (``bio_en``, ``bio_es``); reading ``bio`` gives the
current language's, or English where the other is empty. The admin shows the columns side by side.
"""

from modeltranslation.translator import TranslationOptions, register

from .models import Clinician, Location, Practice


@register(Practice)
class PracticeTranslation(TranslationOptions):
    fields = ("introduction", "privacy_contact")
    # Only an empty introduction falls back to English: modeltranslation's default rule (a value equal
    # to the field's default) would throw away the Spanish default introduction, which is its default.
    fallback_undefined = {"introduction": ""}


@register(Location)
class LocationTranslation(TranslationOptions):
    fields = ("hours_note", "parking", "accessibility", "photo_alt")


@register(Clinician)
class ClinicianTranslation(TranslationOptions):
    fields = ("title", "bio", "photo_alt")

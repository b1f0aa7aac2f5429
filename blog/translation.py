"""Condition names and descriptions in every language (django-modeltranslation; see
clinic_site/translation.py). Articles are not translated field by field: a translation is an article
of its own, linked to the one it translates (``Article.translation_of``)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Condition


@register(Condition)
class ConditionTranslation(TranslationOptions):
    fields = ("name", "description")

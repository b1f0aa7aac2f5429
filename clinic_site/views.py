from django.views.generic import TemplateView

from blog.models import Article, Condition

from .models import Clinician, Location


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            latest_articles=Article.objects.published().with_people()[:3],
            conditions=Condition.objects.all(),
            locations=Location.objects.all(),
            **kwargs,
        )


class LocationsView(TemplateView):
    template_name = "locations.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            locations=Location.objects.prefetch_related("clinicians"),
            clinicians=Clinician.objects.all(),
            **kwargs,
        )


class PrivacyView(TemplateView):
    template_name = "privacy.html"

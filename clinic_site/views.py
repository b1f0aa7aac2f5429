from django.conf import settings
from django.db.models import Prefetch
from django.http import HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.generic import TemplateView

from blog.models import Article, Condition

from .models import Clinician, Location
from .siteurl import absolute_url


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
            locations=Location.objects.prefetch_related(
                Prefetch("clinicians", queryset=Clinician.objects.exclude(role=Clinician.Role.FRONT_DESK))
            ),
            **kwargs,
        )


class PrivacyView(TemplateView):
    template_name = "privacy.html"

    def get_context_data(self, **kwargs):
        # The period purge_inquiries applies, so the notice promises what the site actually does.
        return super().get_context_data(inquiry_retention_days=settings.INQUIRIES_RETENTION_DAYS, **kwargs)


class RobotsView(TemplateView):
    template_name = "robots.txt"
    content_type = "text/plain; charset=utf-8"

    def get_context_data(self, **kwargs):
        return super().get_context_data(sitemap_url=absolute_url(reverse("sitemap")), **kwargs)


def bad_request(request, exception):
    """The 400 page in the site's layout (Django's default renders without the request)."""
    return render(request, "400.html", status=400)


def moved_comment_admin(request, model, rest):
    """``/admin/blog/comment/...`` from before comments had an app of their own: the same page, moved."""
    url = reverse("admin:app_list", args=["comments"]) + f"{model}/{rest}"
    if request.META.get("QUERY_STRING"):
        url += "?" + request.META["QUERY_STRING"]
    return HttpResponsePermanentRedirect(url)

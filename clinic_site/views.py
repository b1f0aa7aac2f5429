from django.conf import settings
from django.db.models import Prefetch
from django.http import HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.generic import DetailView, ListView, TemplateView

from blog.models import Article, Condition

from .metadata import clinician_structured_data, team_structured_data
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


class TeamView(ListView):
    """Everyone the practice shows publicly, in the admin's order."""

    template_name = "team/team_list.html"
    context_object_name = "clinicians"

    def get_queryset(self):
        return Clinician.objects.on_team_page().prefetch_related("locations")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["structured_data"] = team_structured_data(context["clinicians"])
        return context


class TeamMemberView(DetailView):
    """One clinician: who they are, where they work, what they wrote or reviewed. Only those shown."""

    template_name = "team/clinician_detail.html"
    context_object_name = "clinician"

    def get_queryset(self):
        return Clinician.objects.on_team_page().prefetch_related("locations")

    def get_context_data(self, **kwargs):
        clinician = self.object
        articles = Article.objects.published().by_clinician(clinician).with_people()
        written = [a for a in articles if clinician.pk in (a.author_id, a.co_author_id)]
        reviewed = [a for a in articles if a.reviewer_id == clinician.pk]
        return super().get_context_data(
            written_articles=written,
            reviewed_articles=reviewed,
            structured_data=clinician_structured_data(clinician),
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

import dataclasses

from django.conf import settings
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponsePermanentRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView, TemplateView

from blog.models import Article, Condition
from blog.pagecache import SharedPageMixin

from . import i18n, icons, structured_data
from .models import Clinician, Location
from .practice import current
from .siteurl import absolute_url

# What a visitor sees of a clinic's team: the clinicians, not the front desk.
_CLINICAL_TEAM = Prefetch("clinicians", queryset=Clinician.objects.exclude(role=Clinician.Role.FRONT_DESK))


class HomeView(SharedPageMixin, TemplateView):
    template_name = "home.html"

    def get(self, request, *args, **kwargs):
        # A first visit from a browser that asks for Spanish goes to the Spanish home (clinic_site.i18n).
        if (language := i18n.first_visit_language(request)) is not None:
            return redirect(i18n.home_url(language))
        response = super().get(request, *args, **kwargs)
        door = getattr(response, "door", None)
        if door is not None and translation.get_language() == settings.LANGUAGE_CODE:
            # The front door must send such a first visit to the Spanish home as this view does.
            response.door = dataclasses.replace(door, language_redirect=True)
        return response

    def get_context_data(self, **kwargs):
        locations = list(Location.objects.prefetch_related("opening_hours"))
        return super().get_context_data(
            latest_articles=Article.objects.published()
            .for_language(translation.get_language())
            .with_people()[:3],
            conditions=Condition.objects.all(),
            locations=locations,
            structured_data=structured_data.practice_data(locations),
            **kwargs,
        )


class LocationsView(SharedPageMixin, TemplateView):
    template_name = "locations.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            locations=Location.objects.prefetch_related(_CLINICAL_TEAM, "opening_hours"), **kwargs
        )


class TeamView(SharedPageMixin, ListView):
    """Everyone the practice shows publicly, in the admin's order."""

    template_name = "team/team_list.html"
    context_object_name = "clinicians"

    def get_queryset(self):
        return Clinician.objects.on_team_page().prefetch_related("locations")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["structured_data"] = structured_data.team_data(context["clinicians"])
        return context


class TeamMemberView(SharedPageMixin, DetailView):
    """One clinician: who they are, where they work, what they wrote or reviewed. Only those shown."""

    template_name = "team/clinician_detail.html"
    context_object_name = "clinician"

    def get_queryset(self):
        return Clinician.objects.on_team_page().prefetch_related("locations")

    def get_context_data(self, **kwargs):
        clinician = self.object
        articles = (
            Article.objects.published()
            .for_language(translation.get_language())
            .by_clinician(clinician)
            .with_people()
        )
        written = [a for a in articles if clinician.pk in (a.author_id, a.co_author_id)]
        reviewed = [a for a in articles if a.reviewer_id == clinician.pk]
        return super().get_context_data(
            written_articles=written,
            reviewed_articles=reviewed,
            structured_data=structured_data.clinician_data(clinician),
            **kwargs,
        )


class LocationDetailView(SharedPageMixin, DetailView):
    template_name = "location_detail.html"
    queryset = Location.objects.prefetch_related(_CLINICAL_TEAM, "opening_hours")
    context_object_name = "location"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["structured_data"] = structured_data.location_data(self.object)
        context["canonical_url"] = absolute_url(self.object.get_absolute_url())
        return context


ONE_YEAR = 60 * 60 * 24 * 365


@require_safe
def icon(request, version, name):
    """A browser icon made from the logo (clinic_site.icons). The version names the logo it was made
    from, so the file never changes under its URL: cached for a year. An old version's URL (a page
    cached before the logo changed) is sent to the current one."""
    if name not in icons.ICONS:
        raise Http404("No such icon.")
    practice = current()
    if version != practice.icons_version:
        return redirect("icon", practice.icons_version, name)
    response = _icon_response(practice, name)
    patch_cache_control(response, public=True, max_age=ONE_YEAR, immutable=True)
    return response


@require_safe
def favicon(request):
    """/favicon.ico, where browsers and crawlers look without reading a page: the current icon, cached
    for a day (the pages link the versioned one)."""
    response = _icon_response(current(), "favicon.ico")
    patch_cache_control(response, public=True, max_age=60 * 60 * 24)
    return response


def _icon_response(practice, name):
    content_type = "image/x-icon" if name.endswith(".ico") else "image/png"
    return FileResponse(icons.icon_file(practice, name), content_type=content_type)


class PrivacyView(SharedPageMixin, TemplateView):
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

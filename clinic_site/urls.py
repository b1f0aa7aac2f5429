from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("locations/", views.LocationsView.as_view(), name="locations"),
    path("privacy/", views.PrivacyView.as_view(), name="privacy"),
    path("", include("blog.urls")),
    path("inquiries/", include("inquiries.urls")),
    path("admin/", admin.site.urls),
]

if settings.SERVE_MEDIA:
    # Not django.conf.urls.static: it would serve an uploaded SVG or HTML file inline.
    from django.urls import re_path

    from .media import serve_media

    urlpatterns += [re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.+)$", serve_media, name="media")]

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

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path

from blog import pagecache
from blog.sitemaps import SITEMAPS

from . import media, views

# The pages patients read, in English at their plain URLs and in Spanish under /es/ (clinic_site.i18n).
urlpatterns = i18n_patterns(
    path("", views.HomeView.as_view(), name="home"),
    path("locations/", views.LocationsView.as_view(), name="locations"),
    path("team/", views.TeamView.as_view(), name="team"),
    path("team/<slug:slug>/", views.TeamMemberView.as_view(), name="team_member"),
    path("locations/<slug:slug>/", views.LocationDetailView.as_view(), name="location"),
    path("privacy/", views.PrivacyView.as_view(), name="privacy"),
    path("", include("blog.urls")),
    path("blog/", include("blog.comments.urls")),
    path("inquiries/", include("inquiries.urls")),
    prefix_default_language=False,
)
# The same in every language: the icons, the admin (each staff member's language), the sitemap
# (which lists the pages in both), robots.txt and the uploaded files.
urlpatterns += [
    path("favicon.ico", views.favicon, name="favicon"),
    path("icons/<str:version>/<str:name>", views.icon, name="icon"),
    # Comments moved from the blog app to their own (blog/comments/): old admin links keep working.
    re_path(r"^admin/blog/(?P<model>comment|commentlike)/(?P<rest>.*)$", views.moved_comment_admin),
    # The steps after the password (clinic_site/signin/), under the admin's prefix and its headers.
    path("admin/sign-in/", include("clinic_site.signin.urls")),
    path("admin/", admin.site.urls),
    path("sitemap.xml", pagecache.shared(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.RobotsView.as_view(), name="robots"),
]

# Uploaded files (clinic_site.media), from local disk or the bucket; answered 404 unless
# DJANGO_SERVE_MEDIA is on. Not django.conf.urls.static: it would serve an uploaded SVG or HTML
# file inline.
urlpatterns += [re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.+)$", media.serve_media, name="media")]
handler400 = "clinic_site.views.bad_request"

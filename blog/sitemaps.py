from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from clinic_site.models import Clinician, Location
from clinic_site.siteurl import site_domain, site_protocol

from .models import Article, Condition


class SiteSitemap(Sitemap):
    """Every URL on SITE_URL's scheme and host, never the request's; each page in every language of
    LANGUAGES, with its alternates (hreflang) and the English one as x-default."""

    i18n = True
    alternates = True
    x_default = True

    def get_protocol(self, protocol=None):
        return site_protocol()

    def get_domain(self, site=None):
        return site_domain()


class StaticPagesSitemap(SiteSitemap):
    changefreq = "monthly"

    def items(self):
        return ["home", "blog:article_list", "blog:condition_list", "locations", "team", "privacy"]

    def location(self, item):
        return reverse(item)


class ArticleSitemap(SiteSitemap):
    """Each article once, among the pages of its own language (a translation is an article of its
    own); the pages that show it to readers of another language point to it as canonical."""

    changefreq = "monthly"
    i18n = False
    alternates = False
    x_default = False

    def items(self):
        return Article.objects.published().only("slug", "language", "updated_at")

    def location(self, item):
        return item.get_canonical_url()

    def lastmod(self, item):
        return item.updated_at


class ConditionSitemap(SiteSitemap):
    changefreq = "monthly"

    def items(self):
        return Condition.objects.all()


class TeamSitemap(SiteSitemap):
    changefreq = "monthly"

    def items(self):
        return Clinician.objects.on_team_page()


class LocationSitemap(SiteSitemap):
    changefreq = "monthly"

    def items(self):
        return Location.objects.all()


SITEMAPS = {
    "pages": StaticPagesSitemap,
    "articles": ArticleSitemap,
    "conditions": ConditionSitemap,
    "team": TeamSitemap,
    "locations": LocationSitemap,
}

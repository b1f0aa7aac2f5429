from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Article, Condition


class StaticPagesSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return ["home", "blog:article_list", "blog:condition_list", "locations", "privacy"]

    def location(self, item):
        return reverse(item)


class ArticleSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Article.objects.published().only("slug", "updated_at")

    def lastmod(self, item):
        return item.updated_at


class ConditionSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Condition.objects.all()


SITEMAPS = {"pages": StaticPagesSitemap, "articles": ArticleSitemap, "conditions": ConditionSitemap}

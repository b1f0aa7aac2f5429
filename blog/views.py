from django.contrib.syndication.views import Feed
from django.views.generic import DetailView, ListView

from .models import Article, Condition


class ArticleListView(ListView):
    paginate_by = 10

    def get_queryset(self):
        return Article.objects.published().with_people()


class ArticleDetailView(DetailView):
    def get_queryset(self):
        return Article.objects.visible_to(self.request.user).with_people()


class ConditionListView(ListView):
    model = Condition


class ConditionDetailView(DetailView):
    model = Condition


class ArticleFeed(Feed):
    title = "Articles"
    link = "/blog/"

    def items(self):
        return Article.objects.published()[:20]

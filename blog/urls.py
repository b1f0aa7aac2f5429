from django.urls import path

from . import pagecache, views

app_name = "blog"

urlpatterns = [
    path("blog/", views.ArticleListView.as_view(), name="article_list"),
    path("blog/feed/", pagecache.shared(views.ArticleFeed()), name="feed"),
    path("blog/<slug:slug>/", views.ArticleDetailView.as_view(), name="article_detail"),
    path("blog/<slug:slug>/like/", views.ArticleLikeView.as_view(), name="article_like"),
    path("conditions/", views.ConditionListView.as_view(), name="condition_list"),
    path("conditions/<slug:slug>/", views.ConditionDetailView.as_view(), name="condition_detail"),
]

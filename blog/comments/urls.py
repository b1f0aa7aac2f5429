"""Mounted under /blog/ (clinic_site.urls), beside the articles they belong to."""

from django.urls import path

from . import views

app_name = "comments"

urlpatterns = [
    path("<slug:slug>/comments/", views.CommentCreateView.as_view(), name="create"),
    path("comments/<int:pk>/", views.CommentShowView.as_view(), name="show"),
    path("comments/<int:pk>/like/", views.CommentLikeView.as_view(), name="like"),
    path("comments/<int:pk>/edit/", views.CommentEditView.as_view(), name="edit"),
    path("comments/<int:pk>/delete/", views.CommentDeleteView.as_view(), name="delete"),
    path("comments/confirm/", views.ConfirmAddressView.as_view(), name="confirm"),
    path("comments/unsubscribe/", views.UnsubscribeView.as_view(), name="unsubscribe"),
]

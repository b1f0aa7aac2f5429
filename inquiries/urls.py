from django.urls import path

from . import views

app_name = "inquiries"

urlpatterns = [
    path("new/", views.InquiryCreateView.as_view(), name="new"),
    path("thanks/", views.ThanksView.as_view(), name="thanks"),
    path("thread/", views.ThreadView.as_view(), name="thread"),
    path("thread/new-link/", views.NewLinkView.as_view(), name="new_link"),
    path("thread/new-link/sent/", views.NewLinkSentView.as_view(), name="new_link_sent"),
]

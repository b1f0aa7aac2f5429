from django.urls import path

from . import views

app_name = "inquiries"

urlpatterns = [
    path("new/", views.InquiryCreateView.as_view(), name="new"),
    path("thanks/", views.ThanksView.as_view(), name="thanks"),
]

from django.urls import path

from . import views

app_name = "signin"

urlpatterns = [
    path("code/", views.SecondFactorView.as_view(), name="second_factor"),
    path("set-up/", views.EnrolView.as_view(), name="enrol"),
    path("recovery-codes/", views.RecoveryCodesView.as_view(), name="recovery_codes"),
]

from django.urls import path

from . import views

app_name = "signin"

urlpatterns = [
    path("code/", views.SecondFactorView.as_view(), name="second_factor"),
    path("set-up/", views.EnrolView.as_view(), name="enrol"),
    path("recovery-codes/", views.RecoveryCodesView.as_view(), name="recovery_codes"),
    path("passkey/options/", views.PasskeySignInOptionsView.as_view(), name="passkey_options"),
    path("passkey/", views.PasskeySignInView.as_view(), name="passkey"),
    path("passkeys/", views.PasskeysView.as_view(), name="passkeys"),
    path("language/", views.LanguageView.as_view(), name="language"),
    path("passkeys/new/options/", views.PasskeyRegistrationOptionsView.as_view(), name="passkey_new_options"),
    path("passkeys/new/", views.PasskeyRegistrationView.as_view(), name="passkey_new"),
]

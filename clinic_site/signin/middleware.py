"""The gate in front of the admin: both factors, and a session no older than SIGNIN_MAX_AGE_SECONDS."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpResponseRedirect
from django.urls import reverse

from . import devices

SIGNED_IN_AT_SESSION_KEY = "signin_at"


@receiver(user_logged_in, dispatch_uid="clinic_site.signin.stamp_session")
def stamp_session(sender, request, user, **kwargs):
    """Remember when the password was typed: the session's absolute lifetime counts from here."""
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT_SESSION_KEY] = int(time.time())


def session_too_old(session) -> bool:
    signed_in_at = session.get(SIGNED_IN_AT_SESSION_KEY)
    # A session without the stamp predates it: treat it as too old rather than as new.
    return not isinstance(signed_in_at, int) or time.time() - signed_in_at > settings.SIGNIN_MAX_AGE_SECONDS


class StaffSignInMiddleware:
    """Sits after django-otp's OTPMiddleware.

    - A session older than ``SIGNIN_MAX_AGE_SECONDS`` since its password is ended, active or not.
    - A user who has given the password but no second factor yet reaches, under the admin, only the
      login, logout and second-factor pages: everything else there (pages, JSON, autocomplete,
      uploads, whatever the method) is redirected to the second-factor step. Elsewhere on the site
      they count as anonymous, so a password alone opens nothing a visitor cannot see.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            if session_too_old(request.session):
                logout(request)
            elif not user.is_verified():
                if request.path_info.startswith(reverse("admin:index")):
                    if request.path_info not in self.open_paths():
                        return self.to_second_factor(request)
                else:
                    request.user = AnonymousUser()
        return self.get_response(request)

    @staticmethod
    def open_paths() -> set[str]:
        names = [
            "admin:login",
            "admin:logout",
            "signin:second_factor",
            "signin:enrol",
            "signin:passkey_options",
            "signin:passkey",
        ]
        return {reverse(name) for name in names}

    @staticmethod
    def to_second_factor(request):
        step = "signin:second_factor" if devices.has_second_factor(request.user) else "signin:enrol"
        target = request.get_full_path() if request.method == "GET" else reverse("admin:index")
        return HttpResponseRedirect(f"{reverse(step)}?{urlencode({'next': target})}")

"""The steps after the password: the second factor, enrolment of a first one, recovery codes, passkeys."""

from urllib.parse import urlencode

import django_otp
from django.contrib import admin, messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView, TemplateView

from clinic_site.models import StaffLanguage

from . import devices, passkeys
from .forms import EnrolForm, SecondFactorForm, StaffLanguageForm
from .models import Passkey


def safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("admin:index")


class StaffStepMixin:
    """For a signed-in, active staff member only; others go to the admin's login page."""

    template_name: str
    title = ""

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not (user.is_authenticated and user.is_active and user.is_staff):
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = admin.site.each_context(self.request)
        if not self.request.user.is_verified():
            # The admin's menus and links are for after this step.
            context.update(has_permission=False, available_apps=[], is_nav_sidebar_enabled=False)
        return {
            **context,
            "title": self.title,
            "next": safe_next(self.request),
            **super().get_context_data(**kwargs),
        }


class TokenStepMixin(StaffStepMixin):
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def finish(self, form):
        """Mark the session as verified by the device that took the code, under a new session key."""
        django_otp.login(self.request, form.device)
        self.request.session.cycle_key()


class SecondFactorView(TokenStepMixin, FormView):
    template_name = "admin/signin/second_factor.html"
    form_class = SecondFactorForm
    title = _("Second step: your code")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.is_verified():
            return redirect(safe_next(request))
        if request.user.is_authenticated and not devices.has_second_factor(request.user):
            return redirect(f"{reverse('signin:enrol')}?{request.GET.urlencode()}")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        passkey_url = f"{reverse('signin:passkey')}?{urlencode({'next': safe_next(self.request)})}"
        return super().get_context_data(
            has_passkey=passkeys.has_passkey(self.request.user), passkey_url=passkey_url, **kwargs
        )

    def form_valid(self, form):
        self.finish(form)
        return redirect(safe_next(self.request))


class EnrolView(TokenStepMixin, FormView):
    """A first authenticator app for someone who has none: its QR code, its key, then one code."""

    template_name = "admin/signin/enrol.html"
    form_class = EnrolForm
    title = _("Set up your authenticator app")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and devices.has_second_factor(request.user):
            return redirect(f"{reverse('signin:second_factor')}?{request.GET.urlencode()}")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        device = devices.pending_app(self.request.user)
        return super().get_context_data(
            qr_code=devices.qr_data_uri(device), secret=devices.secret(device), **kwargs
        )

    def form_valid(self, form):
        self.finish(form)
        # Shown once, in this answer (never stored for later display, never in a URL).
        return RecoveryCodesView.show(self.request, form.recovery_codes, next_url=safe_next(self.request))


class RecoveryCodesView(StaffStepMixin, TemplateView):
    """A fresh set of recovery codes for a verified staff member (the old ones stop working)."""

    template_name = "admin/signin/recovery_codes.html"
    title = _("Recovery codes")

    def post(self, request, *args, **kwargs):
        return self.show(request, devices.issue_recovery_codes(request.user), next_url=safe_next(request))

    @classmethod
    def show(cls, request, codes, *, next_url):
        view = cls(request=request, args=(), kwargs={})
        context = view.get_context_data(codes=codes, next=next_url)
        return view.response_class(request=request, template=[cls.template_name], context=context)


class LanguageView(StaffStepMixin, FormView):
    """The staff member chooses the language of their admin; the next page is in it."""

    template_name = "admin/signin/language.html"
    form_class = StaffLanguageForm
    title = _("Language")

    def get_form_kwargs(self):
        preference = StaffLanguage.objects.filter(user=self.request.user).first()
        return {**super().get_form_kwargs(), "instance": preference or StaffLanguage(user=self.request.user)}

    def form_valid(self, form):
        preference = form.save()
        with translation.override(preference.language):  # said in the language just chosen
            messages.success(self.request, gettext("Your language is saved: the admin is now in it."))
        return redirect(safe_next(self.request))


class PasskeyCeremonyView(StaffStepMixin, View):
    """JSON for the passkey script (static/signin/passkeys.js): POST only, CSRF-checked as usual."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            return self.step(request)
        except passkeys.PasskeyRefused as refused:
            return JsonResponse({"error": str(refused)}, status=400)

    def step(self, request):
        raise NotImplementedError


class PasskeySignInOptionsView(PasskeyCeremonyView):
    def step(self, request):
        return HttpResponse(
            passkeys.authentication_options(request.user, request.session), content_type="application/json"
        )


class PasskeySignInView(PasskeyCeremonyView):
    def step(self, request):
        passkey = passkeys.authenticate(
            request.user, request.session, request.body.decode("utf-8", "replace")
        )
        django_otp.login(request, passkey)
        request.session.cycle_key()
        return JsonResponse({"redirect": safe_next(request)})


class PasskeyRegistrationOptionsView(PasskeyCeremonyView):
    def step(self, request):
        return HttpResponse(
            passkeys.registration_options(request.user, request.session), content_type="application/json"
        )


class PasskeyRegistrationView(PasskeyCeremonyView):
    def step(self, request):
        passkeys.register(request.user, request.session, request.body.decode("utf-8", "replace"))
        return JsonResponse({"redirect": reverse("signin:passkeys")})


class PasskeysView(StaffStepMixin, TemplateView):
    """A verified staff member's passkeys, and the button that adds one (needs JavaScript)."""

    template_name = "admin/signin/passkeys.html"
    title = _("Passkeys")

    def get_context_data(self, **kwargs):
        return super().get_context_data(passkeys=Passkey.objects.filter(user=self.request.user), **kwargs)

from django import forms
from django.utils.translation import gettext_lazy as _

from clinic_site.models import StaffLanguage

from . import devices


class SecondFactorForm(forms.Form):
    """The code from the authenticator app, or one recovery code, for the signed-in user.

    templates/admin/signin/_token_form.html draws the field (autocomplete="one-time-code").
    """

    otp_token = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("The six digits your authenticator app shows now, or one of your recovery codes."),
    )
    error = _("That code is not right, or has already been used. Wait for the next code and try again.")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.device = None

    def clean_otp_token(self):
        token = self.cleaned_data["otp_token"]
        self.device = self.verify(token)
        if self.device is None:
            raise forms.ValidationError(self.error, code="invalid")
        return token

    def verify(self, token):
        return devices.verify(self.user, token)


class EnrolForm(SecondFactorForm):
    """The first code from a newly added authenticator app: proof that it was set up."""

    otp_token = forms.CharField(
        label=_("Code from the app"),
        max_length=32,
        help_text=_("After adding the account to your app, type the six digits it shows."),
    )
    error = _(
        "That code does not match the app's key. Check the app's clock, wait for the next code, try again."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.recovery_codes = []

    def verify(self, token):
        confirmed = devices.confirm_enrolment(self.user, token)
        if confirmed is None:
            return None
        device, self.recovery_codes = confirmed
        return device


class StaffLanguageForm(forms.ModelForm):
    """The language a staff member reads the admin in (clinic_site.i18n.StaffLanguageMiddleware)."""

    class Meta:
        model = StaffLanguage
        fields = ["language"]
        labels = {"language": _("Read the admin in")}

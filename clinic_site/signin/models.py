from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, TimestampMixin


class Passkey(TimestampMixin, Device):
    """A WebAuthn credential (a passkey or security key) as a django-otp device.

    It takes no typed code (``verify_token`` is always false): ``clinic_site.signin.passkeys``
    checks the browser's signed answer and then marks the session verified with this device.
    """

    credential_id = models.CharField(_("credential id"), max_length=1400, unique=True)  # base64url
    public_key = models.BinaryField(_("public key"))
    sign_count = models.PositiveBigIntegerField(_("signature counter"), default=0)

    class Meta(Device.Meta):
        verbose_name = _("passkey")
        verbose_name_plural = _("passkeys")

    def verify_token(self, token):
        return False

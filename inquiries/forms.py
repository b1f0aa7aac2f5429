import json
from urllib.parse import urlencode

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout, Submit
from django import forms
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from blog.models import Article, Condition
from clinic_site import antispam
from clinic_site.models import Location

from .models import MAX_TEXT_LENGTH, Inquiry, typed_reference

NO_LINE_BREAKS = _("Please keep this on one line (no line breaks).")
# The shared time trap's verdicts, in this form's words and error codes.
TIME_TRAP_REFUSALS = {
    # Also a browser that keeps no cookies: the page-shown cookie never came back. The form sent
    # back carries a time stamp of its own, so sending it again works with cookies off too.
    antispam.TimeTrapError.INVALID: (
        _(
            "We could not check that this form came from our page. "
            "Your text is kept below: please send it again."
        ),
        "tampered",
    ),
    antispam.TimeTrapError.EXPIRED: (
        _("This form was open for too long. Please check your answers and send it again."),
        "expired",
    ),
    antispam.TimeTrapError.TOO_FAST: (
        _("That was quicker than a person fills in this form. Please wait a moment, then send it."),
        "too_fast",
    ),
}


@sensitive_variables("value")
def reject_line_breaks(value: str) -> str:
    # A CR or LF in a value that may reach a mail header is refused outright, never cleaned up.
    if "\r" in value or "\n" in value:
        raise forms.ValidationError(NO_LINE_BREAKS, code="line_break")
    return value


# What the patient sends: the fields a submission token is made from.
SUBMITTED_FIELDS = (*Inquiry.PATIENT_FIELDS, "article")


def _values(data, name) -> list:
    values = data.getlist(name) if hasattr(data, "getlist") else data.get(name, [])
    return values if isinstance(values, list) else [values]


@sensitive_variables("data", "sent")
def submission_token(data, request) -> str:
    """The key that makes a form sent twice (a double click, a resent POST) store one inquiry.

    The form page is shared by every reader, so it holds no token of its own: this is a keyed hash
    of the page view the form was sent from (the form's own ``started`` when it was sent back with
    one, else the page-shown cookie that page set) with everything the patient sent. The same form
    twice gives the same token; another inquiry from the same page view, another token. Empty when
    nothing names a page view (such a form fails the time trap). Only the database keeps it.
    """
    page_view = data.get("started") or (antispam.page_shown_token(request) if request is not None else "")
    if not page_view:
        return ""
    sent = json.dumps([page_view, [_values(data, name) for name in SUBMITTED_FIELDS]])
    return salted_hmac("inquiries.submission", sent, algorithm="sha256").hexdigest()


class InquiryForm(forms.ModelForm):
    # The time trap and the rate limits, with the INQUIRIES_* settings; the view counts submissions.
    guard = antispam.FormGuard(
        settings_prefix="INQUIRIES", salt="inquiries.form-started", rate_group="inquiries.create"
    )

    condition = forms.ModelChoiceField(
        queryset=Condition.objects.all(),
        required=False,
        to_field_name="slug",
        empty_label=_("Other / not sure"),
        label=_("What is it about?"),
        help_text=_("Pick the closest match, or “Other / not sure”."),
    )
    location = forms.ModelChoiceField(
        queryset=Location.objects.all(),
        required=False,
        to_field_name="slug",
        empty_label=_("Either clinic"),
        label=_("Which clinic suits you?"),
        help_text=_("Where you would prefer to be seen."),
    )
    preferred_days = forms.MultipleChoiceField(
        choices=Inquiry.Weekday.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Which days suit you?"),
    )
    preferred_times = forms.MultipleChoiceField(
        choices=Inquiry.DayPart.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("What time of day?"),
    )
    patient_history = forms.ChoiceField(
        choices=Inquiry.PatientHistory.choices,
        required=False,
        widget=forms.RadioSelect,
        label=_("Have you been to us before?"),
    )
    payment = forms.ChoiceField(
        choices=Inquiry.Payment.choices,
        required=False,
        widget=forms.RadioSelect,
        label=_("How would you pay?"),
    )
    referral = forms.ChoiceField(
        choices=Inquiry.Referral.choices,
        required=False,
        widget=forms.RadioSelect,
        label=_("Do you have a referral from a doctor?"),
        help_text=_(
            "You do not need one to ask: in most states you can see a physical therapist without a referral."
        ),
    )
    consent = forms.BooleanField(
        required=True,
        label=_("I agree that the clinic stores these details to answer my inquiry."),
        help_text=_("We keep them only as long as needed; see the privacy notice."),
        error_messages={"required": _("Please tick this box so that we may store and answer your inquiry.")},
    )
    # Left empty by people; a bot that fills every field fills this one too. Hidden by CSS, not by type.
    website = antispam.honeypot_field()
    # Only in a form sent back after a problem (rendered for one request, never cached): the fresh
    # page the patient first gets has its time in the page-shown cookie instead.
    started = forms.CharField(widget=forms.HiddenInput, required=False)
    article = forms.SlugField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Inquiry
        fields = Inquiry.PATIENT_FIELDS
        labels = {
            "name": _("Your name"),
            "email": _("Email address"),
            # Needed only with a call as the contact method (clean): "optional" would contradict
            # its error then.
            "phone": _("Phone number (if you would like a call)"),
            "preferred_contact": _("How should we contact you?"),
            "symptoms": _("What are your symptoms?"),
            "duration": _("How long have you had them?"),
            "treatments_tried": _("What have you tried so far? (optional)"),
            "wants_appointment": _("I would like an appointment"),
            "insurance": _("Your insurance (optional)"),
        }
        help_texts = {
            "name": _("So we know how to address you."),
            "email": _("We send your reference here."),
            "phone": _("Leave it empty if email suits you."),
            "preferred_contact": _("We will use this to get back to you."),
            "symptoms": _("In a few sentences: where it hurts, what makes it better or worse."),
            "duration": _("For example: two weeks, since March, on and off for years."),
            "treatments_tried": _("For example: rest, ice, medication, another therapist."),
            "wants_appointment": _("We will suggest a time that fits what you tell us below."),
            "insurance": _("The insurer's name is enough; no member or policy numbers, please."),
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            "preferred_contact": forms.RadioSelect,
            "symptoms": forms.Textarea(attrs={"rows": 5}),
            "treatments_tried": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, request=None, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)
        self.fields["preferred_contact"].choices = Inquiry.ContactMethod.choices
        self.source_article: Article | None = None
        if not self.is_bound:
            self._prefill()
        self.helper = self._build_helper()

    def _prefill(self) -> None:
        params = self.request.GET if self.request is not None else {}
        article = self._published_article(params.get("article", ""))
        if article is not None:
            self.source_article = article
            self.initial["article"] = article.slug
            primary = article.primary_condition or article.conditions.order_by("order", "name").first()
            if primary is not None:
                self.initial["condition"] = primary.slug
        condition_slug = params.get("condition", "")
        if condition_slug and Condition.objects.filter(slug=condition_slug).exists():
            self.initial["condition"] = condition_slug

    @staticmethod
    def _published_article(slug: str) -> Article | None:
        if not slug:
            return None
        return Article.objects.published().select_related("primary_condition").filter(slug=slug).first()

    @property
    def attached_article(self) -> Article | None:
        """The article the inquiry will carry: from the link (a fresh form) or from the form sent."""
        return self.source_article

    def removal_query(self) -> str:
        """The query string of the same fresh form without the article (the condition stays)."""
        condition = self.initial.get("condition")
        return urlencode({"condition": condition}) if condition else ""

    def _build_helper(self) -> FormHelper:
        helper = FormHelper(self)
        helper.form_tag = True
        helper.form_method = "post"
        helper.attrs = {"novalidate": ""}
        helper.form_show_errors = True
        # The POST view checks the request's origin instead (clinic_site.origin): the page is shared.
        helper.disable_csrf = True
        helper.layout = Layout(
            Fieldset(_("About you"), *Inquiry.CONTACT_FIELDS),
            Fieldset(
                _("An appointment (optional)"),
                "wants_appointment",
                "location",
                "preferred_days",
                "preferred_times",
                "patient_history",
                "payment",
                "insurance",
                "referral",
            ),
            Fieldset(_("About your condition"), *Inquiry.HEALTH_FIELDS),
            "consent",
            # Off the screen and out of the accessibility tree: only bots reach the trap.
            Div(Field("website"), css_class="inquiry-trap", aria_hidden="true"),
            *(["started"] if self.is_bound else []),
            "article",
            Submit("submit", _("Send my inquiry")),
        )
        return helper

    def clean_name(self):
        return reject_line_breaks(self.cleaned_data["name"]).strip()

    def clean_email(self):
        return reject_line_breaks(self.cleaned_data["email"])

    def clean_phone(self):
        return reject_line_breaks(self.cleaned_data["phone"]).strip()

    def clean_preferred_days(self):
        return self._in_order(self.cleaned_data["preferred_days"], Inquiry.Weekday)

    def clean_preferred_times(self):
        return self._in_order(self.cleaned_data["preferred_times"], Inquiry.DayPart)

    @staticmethod
    def _in_order(chosen, choices) -> str:
        """Several choices as the model keeps them: comma-separated, in the week's or day's order."""
        return ",".join(value for value in choices.values if value in set(chosen))

    def clean_insurance(self):
        return reject_line_breaks(self.cleaned_data["insurance"]).strip()

    def clean_duration(self):
        return reject_line_breaks(self.cleaned_data["duration"]).strip()

    def clean_article(self):
        slug = self.cleaned_data["article"]
        self.source_article = self._published_article(slug)
        return slug

    @sensitive_variables("cleaned")
    def clean(self):
        cleaned = super().clean()
        if antispam.honeypot_filled(cleaned):
            raise forms.ValidationError(
                _("This form could not be accepted. If you are a person, please leave the last field empty."),
                code="honeypot",
            )
        self._check_timing()
        asked_for_a_call = cleaned.get("preferred_contact") == Inquiry.ContactMethod.PHONE
        phone = cleaned.get("phone")
        if asked_for_a_call and not phone and "phone" not in self.errors:
            self.add_error("phone", _("You asked us to call you: please give a phone number."))
        # Asked to call: a number, written as people write them ("(757) 555-0100", "+34 600 000 000
        # after 5pm"); the clinic cannot call "call me maybe". Otherwise the box is only a note.
        elif asked_for_a_call and phone and sum(character.isdigit() for character in phone) < 7:
            self.add_error(
                "phone",
                forms.ValidationError(
                    _("Please give a phone number we can call, with its area code."), code="phone"
                ),
            )
        return cleaned

    def _check_timing(self) -> None:
        """The time trap: the form's own ``started`` if it was sent back with one, else the
        page-shown cookie of the (cached) page. Not used up: a second copy of the same inquiry is
        stored once by its submission token, and a different one may follow from the same page."""
        try:
            self.guard.check_form_time(self.data.get("started", ""), self.request)
        except antispam.TimeTrapError as error:
            message, code = TIME_TRAP_REFUSALS[error.code]
            raise forms.ValidationError(message, code=code) from None

    @property
    def is_refused(self) -> bool:
        """Rejected as a bot (honeypot or time trap), rather than for a mistake in a field."""
        return any(
            error.code in {"honeypot", "too_fast", "tampered"}
            for error in self.errors.as_data().get(forms.forms.NON_FIELD_ERRORS, [])
        )

    def refresh_timestamp(self) -> None:
        """Give the form sent back a time stamp of its own, so a person can send it again (with
        cookies off too): at once after putting a field right, the time trap passed; after a
        refusal as a bot, no sooner than anyone else."""
        if self.is_bound:
            self.data = self.data.copy()
            passed = not self.is_refused and not self.errors.get(forms.forms.NON_FIELD_ERRORS)
            self.data["started"] = (
                self.guard.make_token_after_mistake() if passed else self.guard.make_token()
            )

    @sensitive_variables()
    def submission(self) -> dict:
        """Keyword arguments for services.submit_inquiry: the patient's fields and where they came from."""
        data = self.cleaned_data
        kwargs = {
            "source_article": self.source_article,
            "submission_token": submission_token(self.data, self.request),
        }
        for field in Inquiry.PATIENT_FIELDS:
            kwargs[field] = data[field]
        return kwargs


class AnswerForm(forms.Form):
    """The patient's answer on their secure thread: plain text, bounded like the inquiry itself."""

    body = forms.CharField(
        label=_("Your answer"),
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Plain text. The clinic reads it in its private system; it is not sent by email."),
        error_messages={"required": _("Please write your answer before sending it.")},
    )


class NewLinkForm(forms.Form):
    """Ask for a new secure link: the inquiry's address and reference; the answer never says
    whether they matched (views.NewLinkView)."""

    email = forms.EmailField(
        label=_("Email address"),
        help_text=_("The address you gave in your inquiry."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    reference = forms.CharField(
        max_length=30,
        label=_("Your reference"),
        help_text=_("Like INQ-7KQ2-M9XD, from the page after your inquiry or its acknowledgement email."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
    )
    website = antispam.honeypot_field()

    def clean_email(self):
        return reject_line_breaks(self.cleaned_data["email"])

    def clean_reference(self):
        # As read out or typed loosely: "7kq2 m9xd", "inq 7KQ2M9XD".
        reference = typed_reference(self.cleaned_data["reference"])
        if reference is None:
            raise forms.ValidationError(_("A reference looks like INQ-7KQ2-M9XD."), code="invalid")
        return reference

from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import FormView, TemplateView

from clinic_site.http import HttpResponseSeeOther

from .forms import InquiryForm
from .models import Inquiry
from .services import already_submitted, submit_inquiry

SESSION_KEY = "inquiries_reference"
# Masked in error reports: everything the patient typed, and the article that led them to write.
SENSITIVE_FIELDS = (*Inquiry.PATIENT_FIELDS, "article")


@method_decorator(sensitive_post_parameters(*SENSITIVE_FIELDS), name="dispatch")
class InquiryCreateView(FormView):
    form_class = InquiryForm
    template_name = "inquiries/inquiry_form.html"
    http_method_names = ["get", "post"]  # FormView would treat PUT as POST

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def post(self, request, *args, **kwargs):
        # A second copy of a form already stored: the same thank-you, no second inquiry, no count.
        stored = already_submitted(request.POST.get("submission_token", ""))
        if stored is not None:
            return self.thank(stored)
        # Only accepted inquiries use up the hourly allowance; forms sent back with errors have a
        # more generous count of their own, so a patient who mistypes twice may still send.
        guard = self.form_class.guard
        if guard.at_rate_limit(request) or guard.at_failure_rate_limit(request):
            return self.too_many(self.get_form())
        return super().post(request, *args, **kwargs)

    def too_many(self, form):
        form.helper.form_show_errors = False  # keep what they typed; the only problem is the pace
        return self.render_to_response(self.get_context_data(form=form, rate_limited=True), status=429)

    def form_valid(self, form):
        if self.form_class.guard.rate_limited(self.request):  # counted here, race-free
            return self.too_many(form)
        return self.thank(submit_inquiry(**form.submission()))

    def form_invalid(self, form):
        self.form_class.guard.failure_rate_limited(self.request)
        if form.is_refused or form.has_error("__all__", "expired"):
            form.refresh_timestamp()
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def thank(self, inquiry):
        self.request.session[SESSION_KEY] = inquiry.reference
        return HttpResponseSeeOther(reverse("inquiries:thanks"))


class ThanksView(TemplateView):
    """Shows the reference kept in the session; the URL itself carries nothing."""

    template_name = "inquiries/thanks.html"

    def get_context_data(self, **kwargs):
        # The reply promise is the practice's (the "clinic" context: clinic_site.practice).
        return {**super().get_context_data(**kwargs), "reference": self.request.session.get(SESSION_KEY)}

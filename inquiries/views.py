from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.translation import gettext
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.generic import FormView, TemplateView

from blog import pagecache
from clinic_site import antispam
from clinic_site.http import HttpResponseSeeOther, see_other_at
from clinic_site.origin import same_origin_only

from . import secure_links
from .forms import AnswerForm, InquiryForm, NewLinkForm, submission_token
from .models import Inquiry, InquiryAccessLog
from .services import already_submitted, receive_answer, send_new_link, submit_inquiry

SESSION_KEY = "inquiries_reference"
# Masked in error reports: everything the patient typed, and the article that led them to write.
SENSITIVE_FIELDS = (*Inquiry.PATIENT_FIELDS, "article")


@method_decorator(sensitive_post_parameters(*SENSITIVE_FIELDS), name="dispatch")
@method_decorator(same_origin_only, name="dispatch")
class InquiryCreateView(pagecache.SharedPageMixin, FormView):
    """The inquiry form. Its page is shared like the other public pages (``blog.pagecache``): it holds
    no CSRF token (a POST the browser marks as cross-site is refused, ``clinic_site.origin``), no
    time stamp (the page-shown cookie set on each response says when it was shown) and no
    submission token (``forms.submission_token`` is made from that cookie and what was sent)."""

    form_class = InquiryForm
    template_name = "inquiries/inquiry_form.html"
    http_method_names = ["get", "post"]  # FormView would treat PUT as POST

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def get(self, request, *args, **kwargs):
        # The shared page; a link's ?article= or ?condition= and a reader with a session get their own.
        response = super().get(request, *args, **kwargs)
        antispam.remember_page_shown(response)  # after serve: a page that sets a cookie is not stored
        return response

    def post(self, request, *args, **kwargs):
        # A second copy of a form already stored: the same thank-you, no second inquiry, no count.
        stored = already_submitted(submission_token(request.POST, request))
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
        form.refresh_timestamp()
        return self.render_to_response(self.get_context_data(form=form, rate_limited=True), status=429)

    def form_valid(self, form):
        if self.form_class.guard.rate_limited(self.request):  # counted here, race-free
            return self.too_many(form)
        return self.thank(submit_inquiry(**form.submission(), language=translation.get_language()))

    def form_invalid(self, form):
        self.form_class.guard.failure_rate_limited(self.request)
        form.refresh_timestamp()  # sent back with a time stamp of its own: cookies off, it still goes
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


# Secure replies: the patient's side (inquiries.secure_links). Every page here is no-store (as all of
# /inquiries/), noindex, sends no referrer to another site, and works without JavaScript.
# "same-origin" rather than "no-referrer": under no-referrer browsers send "Origin: null" with the
# page's own form posts, and Django's CSRF check refuses them. Our own logs keep no referrer.
THREAD_SENSITIVE_FIELDS = ("token", "body", "email", "reference")
# The id of the secure page's conversation, where an answer sent is said (clinic_extras.placed).
CONVERSATION = "conversation"


def private(response):
    """Headers for the pages a secure link leads to: nothing kept, indexed, or passed on."""
    add_never_cache_headers(response)
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def answers_limited(request, inquiry) -> bool:
    """Count an answer against ``INQUIRIES_ANSWER_RATE_LIMIT`` for this client and for this
    conversation (whoever holds it); True once either is over."""
    rate = settings.INQUIRIES_ANSWER_RATE_LIMIT
    by_client = antispam.rate_limited(request, group="inquiries.answer", rate=rate)

    def this_thread(group, request):
        return f"inquiry:{inquiry.pk}"

    by_thread = antispam.rate_limited(request, group="inquiries.answer-thread", rate=rate, key=this_thread)
    return by_client or by_thread


@method_decorator(sensitive_post_parameters(*THREAD_SENSITIVE_FIELDS), name="dispatch")
class ThreadView(TemplateView):
    """``/inquiries/thread/``. With ``?token=`` (the link in the email): a page with one button.
    The button's POST opens the thread in this browser for 30 minutes and redirects here without
    the token; then GET shows the conversation and a box to answer, whose POST stores the answer."""

    template_name = "inquiries/thread.html"
    http_method_names = ["get", "head", "post"]

    # What the pages are given may hold the patient's words (an answer given back): kept out of
    # error reports, as the POST's own fields are.
    @method_decorator(sensitive_variables("context"))
    def render(self, template, status=200, **context):
        context.setdefault("new_link_form", NewLinkForm())
        context.setdefault("minutes", secure_links.THREAD_MINUTES)
        context.setdefault("link_days", settings.INQUIRIES_LINK_DAYS)
        return private(self.response_class(self.request, template, context, status=status).render())

    @method_decorator(sensitive_variables("context"))
    def unavailable(self, problem, status=400, **context):
        return self.render("inquiries/thread_unavailable.html", status=status, problem=problem, **context)

    @method_decorator(sensitive_variables("check"))
    def get(self, request, *args, **kwargs):
        if "token" in request.GET:
            check = secure_links.check_link(request.GET["token"])
            if check.inquiry is None:
                return self.unavailable(check.problem)
            return self.render("inquiries/thread_open.html", token=request.GET["token"])
        inquiry = secure_links.thread_inquiry(request)
        if inquiry is None:
            return self.unavailable("closed", status=403)
        InquiryAccessLog.record_patient(inquiry=inquiry, action=InquiryAccessLog.Action.VIEWED)
        return self.show(inquiry, AnswerForm())

    def show(self, inquiry, form, status=200, **context):
        return self.render(
            self.template_name,
            status=status,
            inquiry=inquiry,
            # Kept whole in the heading: a phone broke it after its first hyphen.
            reference=format_html('<span class="inquiry-reference">{}</span>', inquiry.reference),
            conversation=inquiry.messages.all(),
            form=form,
            message_places={CONVERSATION},
            **context,
        )

    def post(self, request, *args, **kwargs):
        if "token" in request.POST:
            return self.open(request.POST["token"])
        inquiry = secure_links.thread_inquiry(request)
        if inquiry is None:
            # Closed while the patient was writing: their answer is not kept, but given back whole to
            # copy (too long or not: the box they paste it into will say).
            return self.unavailable("closed", status=403, unsent=request.POST.get("body", "").strip())
        form = AnswerForm(request.POST)
        if not form.is_valid():
            return self.show(inquiry, form, status=400)
        if answers_limited(request, inquiry):
            return self.show(inquiry, form, status=429, rate_limited=True)
        receive_answer(inquiry=inquiry, body=form.cleaned_data["body"])
        InquiryAccessLog.record_patient(inquiry=inquiry, action=InquiryAccessLog.Action.ANSWERED)
        said = gettext("Your answer is sent. The clinic will read it in its private system.")
        return private(see_other_at(request, reverse("inquiries:thread"), CONVERSATION, said))

    @method_decorator(sensitive_variables("token"))
    def open(self, token):
        check = secure_links.check_link(token)
        if check.inquiry is None:
            return self.unavailable(check.problem)
        InquiryAccessLog.record_patient(inquiry=check.inquiry, action=InquiryAccessLog.Action.OPENED)
        # Back to the page without the token: it leaves the address bar and the history.
        response = private(HttpResponseSeeOther(reverse("inquiries:thread")))
        secure_links.open_thread(response, check.inquiry)
        return response


@method_decorator(sensitive_post_parameters(*THREAD_SENSITIVE_FIELDS), name="dispatch")
class NewLinkView(FormView):
    """Send me a new link: the same answer whether or not the address and reference match, and a
    limit per client (``INQUIRIES_LINK_RATE_LIMIT``) and per address a day."""

    form_class = NewLinkForm
    template_name = "inquiries/new_link.html"
    http_method_names = ["get", "post"]

    def render_to_response(self, context, **response_kwargs):
        return private(super().render_to_response(context, **response_kwargs).render())

    def post(self, request, *args, **kwargs):
        if antispam.rate_limited(
            request, group="inquiries.new-link", rate=settings.INQUIRIES_LINK_RATE_LIMIT
        ):
            return self.render_to_response(
                self.get_context_data(form=self.get_form(), rate_limited=True), status=429
            )
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        if not antispam.honeypot_filled(form.cleaned_data):
            send_new_link(email=form.cleaned_data["email"], reference=form.cleaned_data["reference"])
        return private(HttpResponseSeeOther(reverse("inquiries:new_link_sent")))

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class NewLinkSentView(TemplateView):
    template_name = "inquiries/new_link_sent.html"

    def get(self, request, *args, **kwargs):
        return private(super().get(request, *args, **kwargs).render())

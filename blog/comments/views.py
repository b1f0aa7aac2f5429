from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import TemplateView, View
from django.views.generic.edit import FormView

from blog import likes
from blog.models import Article
from clinic_site.http import HttpResponseSeeOther, see_other_at
from clinic_site.origin import same_origin_only

from . import authorship, moderation, subscriptions, threads, verification
from .forms import CommentForm, EditCommentForm
from .models import Comment

# The emailed links' tokens (each opens something for whoever holds it) are masked in error reports,
# when posted as when in the query string (clinic_site/errors.py).
hide_token = sensitive_post_parameters("token")


@method_decorator(same_origin_only, name="dispatch")
class CommentCreateView(FormView):
    """POST a comment; on a mistake, a page of its own with the form, the errors and a way back."""

    form_class = CommentForm
    template_name = "comments/comment_form.html"
    http_method_names = ["get", "post"]

    def dispatch(self, request, *args, **kwargs):
        self.article = get_object_or_404(Article.objects.published(), slug=kwargs["slug"])
        if request.method == "POST":
            if not moderation.comments_open(self.article):
                return self.refuse(gettext("Comments on this article are closed."), status=403)
            # Only comments taken count against COMMENTS_RATE_LIMIT; forms sent back for a mistake
            # have a more generous count of their own, so a reader who mistypes may still send.
            guard = self.form_class.guard
            if guard.at_rate_limit(request) or guard.at_failure_rate_limit(request):
                return self.too_many()
        return super().dispatch(request, *args, **kwargs)

    def too_many(self):
        # The text comes back in a fresh, unchecked form: checking it would use up its time-trap
        # token, and the reader's next try would be refused as a replay.
        kept = {field: self.request.POST.get(field, "") for field in ("name", "email", "body", "parent")}
        return self.refuse(
            gettext("You have sent several comments in a short time. Please wait a few minutes."),
            status=429,
            form=self.form_class(article=self.article, initial=kept),
        )

    def get(self, request, *args, **kwargs):
        return HttpResponseSeeOther(f"{self.article.get_absolute_url()}#comment-form")

    def refuse(self, message, *, status, form=None):
        return self.render_to_response(self.get_context_data(form=form, refusal=message), status=status)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "article": self.article, "request": self.request}

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", None)
        offer = bool(verification.browser_verified_address_key(self.request))
        return super().get_context_data(article=self.article, offer_reply_emails=offer, **kwargs)

    def form_valid(self, form):
        # A comment that would be refused is a mistake to correct, counted as one (form_invalid),
        # not a comment taken.
        refusal = moderation.refusal_of(
            article=self.article, body=form.cleaned_data["body"], parent=form.cleaned_data["parent"]
        )
        if refusal:
            form.add_error(None, refusal)
            return self.form_invalid(form)
        if self.form_class.guard.rate_limited(self.request):  # counted here, race-free
            return self.too_many()
        email = form.cleaned_data["email"]
        try:
            comment = moderation.submit_comment(
                article=self.article,
                name=form.cleaned_data["name"],
                email=email,
                body=form.cleaned_data["body"],
                parent=form.cleaned_data["parent"],
                verified_browser=verification.browser_is_verified(self.request, email),
                replay_unchecked=form.replay_unchecked,
                notify_replies=form.cleaned_data["notify_replies"],
                language=translation.get_language(),
            )
        except moderation.CommentRejected as rejection:
            form.add_error(None, rejection.message)
            return self.form_invalid(form)
        if comment.status == Comment.Status.APPROVED:
            messages.success(
                self.request,
                gettext("Thanks — your comment is published."),
                extra_tags=threads.anchor(comment.pk),
            )
            response = HttpResponseSeeOther(comment.get_absolute_url())
        else:
            # The same answer whoever the address belongs to: only this browser's own cookie (never the
            # address typed) can make the outcome differ, so a post reveals nothing about who has commented.
            said = [
                gettext(
                    "Thanks — your comment is awaiting moderation. "
                    "It will appear here once a moderator has approved it."
                )
            ]
            if not verification.browser_is_verified(self.request, email):  # then it was emailed
                said.append(
                    gettext(
                        "Look for our email: its link confirms your address, and your next comments "
                        "from this browser then appear at once."
                    )
                )
            response = see_other_at(
                self.request, self.article.get_absolute_url(), threads.SECTION, " ".join(said)
            )
        authorship.remember(self.request, response, comment)
        return response

    def form_invalid(self, form):
        self.form_class.guard.failure_rate_limited(self.request)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class CommentLikeView(likes.LikeView):
    """One like per browser, without JavaScript or an account; back to the comment afterwards."""

    counted_message = _("Thanks for your like.")
    repeated_message = _("You have already liked this comment.")

    def get_target(self):
        # Not a removed comment's placeholder: it has no words left to like.
        public = Comment.objects.public().filter(article__in=Article.objects.published())
        return get_object_or_404(public.select_related("article"), pk=self.kwargs["pk"])

    def article_id(self, comment):
        return comment.article_id

    def redirect_url(self, comment):
        return comment.get_absolute_url()

    def messages_place(self, comment):
        return threads.anchor(comment.pk)

    def retire(self, comment):
        threads.retire(comment.article)


@method_decorator([hide_token, never_cache], name="dispatch")
class ConfirmAddressView(TemplateView):
    """The link in the confirmation email. GET only shows a button (mail scanners follow links and
    confirm nothing); the POST (CSRF-checked) confirms the address and remembers this browser."""

    template_name = "comments/confirm_address.html"
    http_method_names = ["get", "head", "post"]

    def dispatch(self, request, *args, **kwargs):
        self.token = request.POST.get("token") or request.GET.get("token", "")
        self.comment = verification.comment_for_token(self.token)
        if self.comment is None:
            return self.render_to_response({"invalid": True}, status=400)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        # A first comment's author could not ask to hear of replies (the form offers it to a browser
        # that confirmed its address): the link proves the address, so they may ask here.
        offer = not self.comment.notify_replies and not self.comment.is_removed
        return super().get_context_data(
            token=self.token, article=self.comment.article, offer_reply_emails=offer, **kwargs
        )

    def post(self, request, *args, **kwargs):
        verification.confirm(self.comment)
        if request.POST.get("notify_replies") and not self.comment.is_removed:
            subscriptions.subscribe(self.comment)
        response = see_other_at(
            request,
            self.comment.article.get_absolute_url(),
            threads.SECTION,
            gettext(
                "Your address is confirmed. From this browser, your next comments are published at once."
            ),
        )
        verification.remember(response, self.comment.email)
        return response


class CommentShowView(View):
    """``/blog/comments/<id>/``, the address of a comment (in emails, the admin's "view on site"):
    redirects to the page of its article's thread that holds it, at its anchor."""

    http_method_names = ["get", "head"]

    def get(self, request, *args, **kwargs):
        comment = get_object_or_404(
            Comment.objects.approved()
            .filter(article__in=Article.objects.published())
            .select_related("article"),
            pk=kwargs["pk"],
        )
        number = threads.page_number_of(comment)
        if number is None:  # a placeholder with nothing under it any more
            raise Http404("This comment is not shown.")
        query = threads.page_query(number, threads.Order.OLDEST)
        return HttpResponseRedirect(
            f"{self.thread_page(comment.article)}{query}#{threads.anchor(comment.pk)}"
        )

    @staticmethod
    def thread_page(article) -> str:
        """The page that shows the article's thread, in the reader's language where it can: an
        article with another version in that language (a translation, or the original) is shown
        there, so its own thread is on its page in its own language."""
        version = article.published_versions().get(translation.get_language())
        return article.get_absolute_url() if version in (None, article) else article.get_canonical_url()


class OwnCommentMixin:
    """The author's own comment: from the browser that sent it (for COMMENTS_EDIT_MINUTES) or with the
    token of the emailed link; anyone else gets a page that says how to get there, with a 403."""

    refused_template = "comments/own_comment_refused.html"

    def dispatch(self, request, *args, **kwargs):
        self.comment = Comment.objects.select_related("article").filter(pk=kwargs["pk"]).first()
        if self.comment is None:  # deleted (its author's Back button, an old email's link)
            return self.response_class(
                request=request, template=[self.refused_template], context={"gone": True}, status=404
            )
        self.token = request.POST.get("token") or request.GET.get("token", "")
        self.by_link = authorship.token_may_change(self.token, self.comment)
        if not (self.by_link or authorship.browser_may_change(request, self.comment)):
            return self.response_class(
                request=request,
                template=[self.refused_template],
                context={"article": self.comment.article, "minutes": settings.COMMENTS_EDIT_MINUTES},
                status=403,
            )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            comment=self.comment,
            article=self.comment.article,
            token=self.token if self.by_link else "",
            **kwargs,
        )

    def trusted(self) -> bool:
        """Whether the author would be published at once: an address verified and proved here."""
        email = self.comment.email
        if self.by_link:
            return verification.is_verified(email)
        return verification.browser_is_verified(self.request, email)


@method_decorator([hide_token, never_cache], name="dispatch")
class CommentEditView(OwnCommentMixin, FormView):
    form_class = EditCommentForm
    template_name = "comments/comment_edit.html"

    def get_initial(self):
        return {"body": self.comment.body, "token": self.token if self.by_link else ""}

    def form_valid(self, form):
        try:
            comment = moderation.edit_by_author(
                self.comment, body=form.cleaned_data["body"], trusted=self.trusted()
            )
        except moderation.CommentRejected as rejection:
            form.add_error("body", rejection.message)
            return self.form_invalid(form)
        if comment.status == Comment.Status.APPROVED:
            messages.success(
                self.request, gettext("Your comment is changed."), extra_tags=threads.anchor(comment.pk)
            )
            return HttpResponseSeeOther(comment.get_absolute_url())
        return see_other_at(
            self.request,
            comment.article.get_absolute_url(),
            threads.SECTION,
            gettext("Your comment is changed. It will appear once a moderator has read it."),
        )

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


@method_decorator([hide_token, never_cache], name="dispatch")
class CommentDeleteView(OwnCommentMixin, TemplateView):
    """GET asks "delete it?"; the POST (a button, CSRF-checked) deletes."""

    template_name = "comments/comment_delete.html"
    http_method_names = ["get", "head", "post"]

    def post(self, request, *args, **kwargs):
        article = self.comment.article
        moderation.remove_by_author(self.comment)
        return see_other_at(
            request, article.get_absolute_url(), threads.SECTION, gettext("Your comment is deleted.")
        )


@method_decorator([csrf_exempt, hide_token, never_cache], name="dispatch")
class UnsubscribeView(TemplateView):
    """The link in a reply email, and its ``List-Unsubscribe`` header. A GET (mail scanners follow
    links) only shows a button; a POST, from that button or from a mail client's one-click
    unsubscribe (RFC 8058, which carries no CSRF token: the signed token is the proof), stops the
    emails at once."""

    template_name = "comments/unsubscribe.html"
    http_method_names = ["get", "head", "post"]

    def dispatch(self, request, *args, **kwargs):
        self.token = request.POST.get("token") or request.GET.get("token", "")
        found = subscriptions.read_token(self.token)
        if found is None:
            return self.render_to_response({"invalid": True}, status=400)
        self.address, self.article_id = found
        self.article = Article.objects.filter(pk=self.article_id).first() if self.article_id else None
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(token=self.token, article=self.article, **kwargs)

    def post(self, request, *args, **kwargs):
        subscriptions.unsubscribe(self.address, self.article_id)
        return self.render_to_response(self.get_context_data(done=True))

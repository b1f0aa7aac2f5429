from django.contrib import messages
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView
from django.views.generic.edit import FormView

from blog import likes
from blog.models import Article
from clinic_site.http import HttpResponseSeeOther
from clinic_site.origin import same_origin_only

from . import moderation, threads, verification
from .forms import CommentForm
from .models import Comment


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
            if self.form_class.guard.rate_limited(request):
                # The text comes back in a fresh, unchecked form: checking it would use up its
                # time-trap token, and the reader's next try would be refused as a replay.
                kept = {field: request.POST.get(field, "") for field in ("name", "email", "body", "parent")}
                return self.refuse(
                    gettext("You have sent several comments in a short time. Please wait a few minutes."),
                    status=429,
                    form=self.form_class(article=self.article, initial=kept),
                )
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return HttpResponseSeeOther(f"{self.article.get_absolute_url()}#comment-form")

    def refuse(self, message, *, status, form=None):
        return self.render_to_response(self.get_context_data(form=form, refusal=message), status=status)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "article": self.article, "request": self.request}

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", None)
        return super().get_context_data(article=self.article, **kwargs)

    def form_valid(self, form):
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
            )
        except moderation.CommentRejected as rejection:
            form.add_error(None, rejection.message)
            return self.form_invalid(form)
        url = self.article.get_absolute_url()
        if comment.status == Comment.Status.APPROVED:
            messages.success(self.request, gettext("Thanks — your comment is published."))
            return HttpResponseSeeOther(f"{url}#comment-{comment.pk}")
        # The same answer whoever the address belongs to: only this browser's own cookie (never the
        # address typed) can make the outcome differ, so a post reveals nothing about who has commented.
        messages.success(self.request, gettext("Thanks — your comment is awaiting moderation."))
        return HttpResponseSeeOther(f"{url}?comment=pending#comments")

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class CommentLikeView(likes.LikeView):
    """One like per browser, without JavaScript or an account; back to the comment afterwards."""

    counted_message = _("Thanks for your like.")
    repeated_message = _("You have already liked this comment.")

    def get_target(self):
        public = Comment.objects.approved().filter(article__in=Article.objects.published())
        return get_object_or_404(public.select_related("article"), pk=self.kwargs["pk"])

    def article_id(self, comment):
        return comment.article_id

    def redirect_url(self, comment):
        return comment.get_absolute_url()

    def retire(self, comment):
        threads.retire(comment.article)


@method_decorator(never_cache, name="dispatch")
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
        return super().get_context_data(token=self.token, article=self.comment.article, **kwargs)

    def post(self, request, *args, **kwargs):
        verification.confirm(self.comment)
        messages.success(
            request,
            gettext(
                "Your address is confirmed. From this browser, your next comments are published at once."
            ),
        )
        response = HttpResponseSeeOther(f"{self.comment.article.get_absolute_url()}#comments")
        verification.remember(response, self.comment.email)
        return response

from django.contrib.syndication.views import Feed
from django.views.generic import DetailView, ListView

from .models import Article, Condition


class ArticleListView(ListView):
    paginate_by = 10

    def get_queryset(self):
        return Article.objects.published().with_people()


class ArticleDetailView(DetailView):
    def get_queryset(self):
        return Article.objects.visible_to(self.request.user).with_people()


class ConditionListView(ListView):
    model = Condition


class ConditionDetailView(DetailView):
    model = Condition


class ArticleFeed(Feed):
    title = "Articles"
    link = "/blog/"

    def items(self):
        return Article.objects.published()[:20]


# Comments ---------------------------------------------------------------------------------------
# Appended: the comment views only. The rules live in blog/moderation.py and blog/spam.py.
from django.contrib import messages  # noqa: E402
from django.http import HttpResponseRedirect  # noqa: E402
from django.shortcuts import get_object_or_404  # noqa: E402
from django.utils.translation import gettext  # noqa: E402
from django.views import View  # noqa: E402
from django.views.generic.edit import FormView  # noqa: E402

from . import moderation, spam  # noqa: E402
from .browser import browser_key, browser_token, new_browser_token, remember_browser  # noqa: E402
from .forms import CommentForm  # noqa: E402
from .models import Comment  # noqa: E402


class HttpResponseSeeOther(HttpResponseRedirect):
    status_code = 303


class CommentCreateView(FormView):
    """POST a comment; on a mistake, a page of its own with the form, the errors and a way back."""

    form_class = CommentForm
    template_name = "blog/comment_form.html"
    http_method_names = ["get", "post"]

    def dispatch(self, request, *args, **kwargs):
        self.article = get_object_or_404(Article.objects.published(), slug=kwargs["slug"])
        if request.method == "POST":
            if not moderation.comments_open(self.article):
                return self.refuse(gettext("Comments on this article are closed."), status=403)
            if spam.rate_limited(request):
                return self.refuse(
                    gettext("You have sent several comments in a short time. Please wait a few minutes."),
                    status=429,
                    form=self.get_form(),
                )
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return HttpResponseSeeOther(f"{self.article.get_absolute_url()}#comment-form")

    def refuse(self, message, *, status, form=None):
        return self.render_to_response(self.get_context_data(form=form, refusal=message), status=status)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "article": self.article}

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", None)
        return super().get_context_data(article=self.article, **kwargs)

    def form_valid(self, form):
        try:
            comment = moderation.submit_comment(
                article=self.article,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                body=form.cleaned_data["body"],
                parent=form.cleaned_data["parent"],
            )
        except moderation.CommentRejected as rejection:
            form.add_error(None, rejection.message)
            return self.form_invalid(form)
        url = self.article.get_absolute_url()
        if comment.status == Comment.Status.APPROVED:
            messages.success(self.request, gettext("Thanks — your comment is published."))
            return HttpResponseSeeOther(f"{url}#comment-{comment.pk}")
        messages.success(self.request, gettext("Thanks — your comment is awaiting moderation."))
        return HttpResponseSeeOther(f"{url}?comment=pending#comments")

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class CommentLikeView(View):
    """One like per browser, without JavaScript or an account; back to the comment afterwards."""

    http_method_names = ["post"]

    def post(self, request, pk):
        comment = get_object_or_404(
            Comment.objects.approved().filter(article__in=Article.objects.published()), pk=pk
        )
        token = browser_token(request) or new_browser_token()
        if moderation.like_comment(comment, browser_key=browser_key(token)):
            messages.success(request, gettext("Thanks for your like."))
        else:
            messages.info(request, gettext("You have already liked this comment."))
        response = HttpResponseSeeOther(comment.get_absolute_url())
        remember_browser(response, token)
        return response

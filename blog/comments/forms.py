from django import forms
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from clinic_site import antispam

from . import spam
from .models import Comment

FORM_TOKEN_MESSAGES = {
    antispam.TimeTrapError.TOO_FAST: _(
        "That was sent too quickly to be typed by a person. Please wait a few seconds and send it again."
    ),
    antispam.TimeTrapError.EXPIRED: _(
        "This form was open for too long. Your text is kept below: please send it again."
    ),
    antispam.TimeTrapError.REPLAYED: _(
        "This form was already sent once. Your text is kept below: please check it and send it again."
    ),
    antispam.TimeTrapError.INVALID: _(
        "We could not check that this form came from our page. Your text is kept below: please send it again."
    ),
}


class CommentForm(forms.Form):
    guard = spam.GUARD
    # Browsers and assistive tools may fill in the reader's own name and address (WCAG 1.3.5).
    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        help_text=_("Shown with your comment."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        max_length=254,  # the model's column; a longer address is a clear error, not a database one
        label=_("Email"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("Never shown. Used only if we need to reach you about your comment."),
    )
    body = forms.CharField(label=_("Comment"), max_length=3000, widget=forms.Textarea(attrs={"rows": 5}))
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # Shown only to a browser that confirmed an address (the form's template decides), kept only for
    # a comment sent from it under that address (comments.moderation).
    notify_replies = forms.BooleanField(
        label=_("Tell me by email when someone replies"),
        required=False,
        help_text=_("One email at most an hour, with a link to the reply; each email can turn them off."),
    )
    # The honeypot: hidden from people by CSS and from assistive technology; bots fill it in.
    website = antispam.honeypot_field()
    started = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, article, request=None, with_time_token=True, **kwargs):
        self.article = article
        self.request = request
        super().__init__(*args, **kwargs)
        self.with_time_token = with_time_token
        self.parent_comment = None
        self.replay_unchecked = False

    @cached_property
    def fresh_token(self) -> str:
        """The time stamp of the form as shown (the form on the cached article page relies on the
        time-trap cookie instead): now, or, sent back for a mistake in a field with the time trap
        passed, as if shown the trap's minimum ago, so that it may be sent again at once."""
        if not self.with_time_token:
            return ""
        if self.is_bound and not self.non_field_errors():
            return self.guard.make_token_after_mistake()
        return self.guard.make_token()

    def clean_name(self):
        name = self.cleaned_data["name"]
        if spam.has_invisible_characters(name):
            raise forms.ValidationError(
                _("Please type your name with visible letters only (no hidden or direction characters)."),
                code="invisible",
            )
        return name

    def clean_parent(self):
        parent_id = self.cleaned_data.get("parent")
        if parent_id is None:
            return None
        parent = Comment.objects.public().filter(article=self.article, pk=parent_id).first()
        if parent is None:
            raise forms.ValidationError(_("The comment you are replying to is not available."))
        self.parent_comment = parent
        return parent

    def clean(self):
        cleaned = super().clean()
        # Whole-form problems, shown above the fields: neither hidden field can be corrected by hand.
        if antispam.honeypot_filled(self.cleaned_data):
            raise forms.ValidationError(
                _("This looks like an automated submission, so it was not sent."), code="honeypot"
            )
        try:
            # The form on the (cached) article page has no stamp: its page-shown cookie serves, one
            # comment per page view.
            used_up = self.guard.check_form_time(
                self.cleaned_data.get("started", ""), self.request, once=True
            )
            # The cache is down, so the form might be a copy sent again: a moderator decides.
            self.replay_unchecked = not used_up
        except antispam.TimeTrapError as error:
            raise forms.ValidationError(FORM_TOKEN_MESSAGES[error.code], code=error.code) from error
        return cleaned


class EditCommentForm(forms.Form):
    """The author's own words, changed (comments.views.CommentEditView)."""

    body = forms.CharField(label=_("Your comment"), max_length=3000, widget=forms.Textarea(attrs={"rows": 6}))
    token = forms.CharField(widget=forms.HiddenInput, required=False)

"""Likes, for articles and comments alike: one per browser, no account, nothing about the person stored.

Anything that can be liked has a ``like_count`` column and a ``likes`` relation to a like model whose
rows hold the target and a ``browser_key`` (a hash of the browser's cookie token, see blog.browser),
unique together. This module is the only place that writes them, and ``LikeView`` the only view.

A like counts only from a browser that was shown the page (it carries the signed cookie the article
page sets, see clinic_site.antispam) and, per client address and article, up to ``LIKES_RATE_LIMIT``.

Whether a browser liked something is asked on every page a returning reader opens, so the answer is
kept in the shared cache (``LIKED_CACHE_SECONDS``), under the browser's key (already a hash): a like
row is never changed nor deleted but with what it likes, and ``add`` writes the new answer itself.
"""

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views import View

from clinic_site import antispam
from clinic_site.http import HttpResponseSeeOther
from clinic_site.origin import same_origin_only

from .browser import browser_key, browser_token, new_browser_token, remember_browser

RATE_LIMIT_GROUP = "likes"
LIKED_CACHE_SECONDS = 60 * 60 * 24


def _liked_key(target, browser_key: str) -> str:
    return f"liked:{target._meta.label_lower}:{target.pk}:{browser_key}"


def add(target, *, browser_key: str) -> bool:
    """Record one browser's like of ``target``; returns False when that browser already liked it.

    The unique constraint decides, so two clicks racing each other still count once.
    """
    relation = target.likes
    try:
        with transaction.atomic():
            relation.model.objects.create(**{relation.field.name: target, "browser_key": browser_key})
            type(target).objects.filter(pk=target.pk).update(like_count=F("like_count") + 1)
    except IntegrityError:
        added = False
    else:
        added = True
        target.like_count += 1
    cache.set(_liked_key(target, browser_key), True, LIKED_CACHE_SECONDS)  # liked, now or before
    return added


def has_liked(target, *, browser_key: str | None) -> bool:
    """Whether this browser liked ``target``: from the cache, else one query (then kept)."""
    if not browser_key:
        return False
    key = _liked_key(target, browser_key)
    liked = cache.get(key)
    if liked is None:
        liked = target.likes.filter(browser_key=browser_key).exists()
        cache.set(key, liked, LIKED_CACHE_SECONDS)
    return liked


def over_limit(request, *, article_id: int) -> bool:
    """Count this like against the client's allowance for the article; True once it is used up."""
    return antispam.rate_limited(
        request, group=f"{RATE_LIMIT_GROUP}:{article_id}", rate=settings.LIKES_RATE_LIMIT
    )


@method_decorator(same_origin_only, name="dispatch")
class LikeView(View):
    """POST only (the like button is a form, so it works without JavaScript); answers 303 See Other.

    A subclass says what is liked (``get_target``), which article it belongs to, where to go back to,
    what to retire from the caches after a new like, its own words, and where the page it goes back
    to says them (``messages_place``, clinic_extras.placed).
    """

    http_method_names = ["post"]
    counted_message = _("Thank you: your like is counted.")
    repeated_message = _("You already like this.")
    refused_message = _("Your like could not be counted. Please open the page again and retry.")
    limited_message = _("You have sent many likes in a short time. Please try again later.")

    def get_target(self):
        raise NotImplementedError

    def article_id(self, target) -> int:
        raise NotImplementedError

    def redirect_url(self, target) -> str:
        raise NotImplementedError

    def messages_place(self, target) -> str:
        raise NotImplementedError

    def retire(self, target) -> None:
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        target = self.get_target()
        response = HttpResponseSeeOther(self.redirect_url(target))
        place = self.messages_place(target)
        if not antispam.page_was_shown(request):
            messages.error(request, self.refused_message, extra_tags=place)
            return response
        if over_limit(request, article_id=self.article_id(target)):
            messages.error(request, self.limited_message, extra_tags=place)
            return response
        token = browser_token(request) or new_browser_token()
        if add(target, browser_key=browser_key(token)):
            self.retire(target)
            messages.success(request, self.counted_message, extra_tags=place)
        else:
            messages.info(request, self.repeated_message, extra_tags=place)
        remember_browser(response, token)
        return response

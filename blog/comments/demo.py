"""Demo comments for seed_demo: a few conversations on the published articles, and bulk for load tests.

All text here is our own. The base set is idempotent (found again by article and author email);
``extra`` adds that many more approved comments to the myofascial article on every call.
"""

import random
from datetime import timedelta

from django.utils import timezone

from blog.demo import MYOFASCIAL_SLUG
from blog.models import Article
from clinic_site.practice import current as current_practice

from . import threads
from .models import Comment

# (name, email, body, replies as (name, email, body, by_the_clinic))
CONVERSATIONS = [
    (
        "Dana R.",
        "dana.r@example.com",
        "I had my first session last week and was surprised how gentle it was. "
        "My shoulders feel looser already.",
        [
            (
                None,
                None,
                "Glad to hear it, Dana. Gentle, sustained pressure is the whole idea. "
                "Keep up the stretches we gave you between visits.",
                True,
            ),
            ("Marcus", "marcus.t@example.com", "Same here. I expected it to hurt and it didn't.", False),
        ],
    ),
    (
        "Priya",
        "priya.s@example.com",
        "Does this help with tension headaches? I get them most afternoons at my desk.",
        [
            (
                None,
                None,
                "It can help when neck and shoulder tightness is part of the picture. "
                "Send us a private inquiry and a therapist will get back to you.",
                True,
            ),
        ],
    ),
    (
        "Tom H.",
        "tom.h@example.com",
        "Thanks for writing this in plain words. Sharing it with my dad.",
        [],
    ),
]

EXTRA_LINES = [
    "Bookmarking this for later.",
    "The stretching tips at the end were useful.",
    "I tried the foam roller idea this morning.",
    "Clear and friendly, thank you.",
    "Good reminder to take breaks from the screen.",
    "My physio mentioned this too.",
]


def _target_article():
    """The myofascial article, or the newest published one when the demo articles are not there."""
    published = Article.objects.published()
    return published.filter(slug=MYOFASCIAL_SLUG).first() or published.order_by("-published_at").first()


def _ensure(article, *, name, email, body, parent=None, staff=False, when=None):
    comment, _created = Comment.objects.get_or_create(
        article=article,
        email=email,
        body=body,
        defaults={
            "name": name,
            "parent": parent,
            "status": Comment.Status.APPROVED,
            "is_staff_reply": staff,
            "created_at": when or timezone.now(),
            "published_at": when or timezone.now(),
        },
    )
    return comment, _created


def seed_comments(stdout=None, extra=0) -> int:
    """Add the demo conversations (once) and ``extra`` more approved comments. Returns how many were made."""
    target = _target_article()
    made = 0
    now = timezone.now()
    practice = current_practice()
    # The conversations belong under the model article; the same words under every article would
    # look like what they are, copies.
    for article in [target] if target is not None else []:
        for i, (name, email, body, replies) in enumerate(CONVERSATIONS):
            start = now - timedelta(days=10 - i)
            comment, created = _ensure(article, name=name, email=email, body=body, when=start)
            made += created
            for j, (r_name, r_email, r_body, staff) in enumerate(replies):
                _reply, created = _ensure(
                    article,
                    name=r_name or practice.name,
                    email=r_email or practice.email,
                    body=r_body,
                    parent=comment,
                    staff=staff,
                    when=start + timedelta(hours=j + 1),
                )
                made += created
    if extra and target is not None:
        rng = random.Random(extra)
        recent = list(Comment.objects.approved().filter(article=target).order_by("-pk")[:20])
        new = []
        for n in range(extra):
            parent = rng.choice(recent) if recent and n % 3 == 2 else None
            new.append(
                Comment(
                    article=target,
                    parent=parent,
                    name=f"Reader {n + 1}",
                    email=f"reader{n + 1}@example.com",
                    body=rng.choice(EXTRA_LINES),
                    status=Comment.Status.APPROVED,
                    created_at=now - timedelta(minutes=extra - n),
                    published_at=now - timedelta(minutes=extra - n),
                )
            )
        Comment.objects.bulk_create(new)
        threads.retire(target)
        made += len(new)
    if stdout is not None:
        stdout.write(f"Comments: {made} added.")
    return made

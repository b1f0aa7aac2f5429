"""Content in bulk for `make bench` (BENCH_SIZE): the demo, then articles, comments and inquiries.

Rows are made with bulk_create, a few thousand at a time, so the large size (10,000 articles, 200,000
comments, 50,000 inquiries) takes minutes, not hours. What save() would have written is written in
bulk too: each article's search document on PostgreSQL, its reading time and its conditions. One
article gets a long thread (a tenth of the comments), the rest are spread over the others.

It fills the database up to the size, not beyond: what an earlier run made is counted by its marks
(articles ``bench-N``, comments by "Bench reader N", inquiries from ``patientN@example.org``) and
only the rest is added, so `make bench` on the same ``DATABASE_URL`` measures the same size run
after run; a larger size tops a smaller one up.
"""

import itertools
import random
from datetime import timedelta

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from blog.comments.models import Comment
from blog.models import Article, Condition, search_document
from clinic_site.models import Clinician
from inquiries.models import Inquiry, generate_reference

# articles, comments, inquiries added to the demo (and its 200 extra comments)
SIZES = {
    "small": (0, 0, 0),
    "medium": (1_000, 20_000, 5_000),
    "large": (10_000, 200_000, 50_000),
}
BATCH = 5_000
# The first of the demo's extra comments (seed_demo --comments): there when an earlier run added them.
DEMO_EXTRA_MARK = "reader1@example.com"
# Words the articles are made of: what patients search for, common and rare.
_WORD_LIST = (
    "pain back neck shoulder knee hip jaw headache sciatica posture stretch exercise walking sleep "
    "desk running recovery injury scar tissue fascia massage therapy strength balance breathing "
    "stiffness tingling numbness swelling ankle wrist elbow tendon ligament disc spine nerve muscle "
    "fatigue fibromyalgia migraine whiplash carpal tunnel arthritis cartilage rehabilitation gait"
)
WORDS = _WORD_LIST.split()
# Rarer words, two thousand made of syllables ("bakedo", "mirulo"), each 40 times less frequent than
# one of the words above: a search for one of them matches a few hundred articles, not all of them.
_SYLLABLES = [consonant + vowel for consonant in "bdfgklmnprstvz" for vowel in "aeiou"]
RARE_WORDS = [
    first + second + third
    for first, second, third in itertools.islice(itertools.product(_SYLLABLES, repeat=3), 0, None, 171)
][:2_000]
_VOCABULARY = WORDS + RARE_WORDS
_CUMULATIVE = list(itertools.accumulate([40] * len(WORDS) + [1] * len(RARE_WORDS)))


def sentence(rng: random.Random, length: int) -> str:
    words = rng.choices(_VOCABULARY, cum_weights=_CUMULATIVE, k=length)
    return " ".join(words).capitalize() + "."


class Command(BaseCommand):
    help = "Fill the database for a benchmark: the demo, then articles, comments and inquiries in bulk."

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=sorted(SIZES), default="small")
        parser.add_argument("--articles", type=int, help="Instead of the size's number of articles.")
        parser.add_argument("--comments", type=int, help="Instead of the size's number of comments.")
        parser.add_argument("--inquiries", type=int, help="Instead of the size's number of inquiries.")

    def handle(self, *args, size, **options):
        articles, comments, inquiries = (
            default if options[name] is None else options[name]
            for name, default in zip(("articles", "comments", "inquiries"), SIZES[size], strict=True)
        )
        if connection.vendor == "postgresql":
            # Bulk statements outlast the site's per-statement limit (DATABASE_STATEMENT_TIMEOUT_SECONDS).
            with connection.cursor() as cursor:
                cursor.execute("SET statement_timeout = 0")
        # The demo (made once), and its 200 more comments the first time only.
        extra = 0 if Comment.objects.filter(email=DEMO_EXTRA_MARK).exists() else 200
        call_command("seed_demo", comments=extra, stdout=self.stdout)
        rng = random.Random(size)  # the same content for the same size, run after run
        made = self.made_earlier()
        with transaction.atomic():
            self.add_articles(rng, articles - made["articles"], first=made["articles"])
        with transaction.atomic():
            self.add_comments(rng, comments - made["comments"], first=made["comments"])
        with transaction.atomic():
            self.add_inquiries(rng, inquiries - made["inquiries"], first=made["inquiries"])
        if connection.vendor == "postgresql":
            # Fresh statistics, as autovacuum would make later: the planner then knows the tables'
            # sizes and picks the search index for a rare word.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(
            f"Bench size {size}: {Article.objects.count()} articles, {Comment.objects.count()} comments, "
            f"{Inquiry.objects.count()} inquiries."
        )

    @staticmethod
    def made_earlier() -> dict[str, int]:
        return {
            "articles": Article.objects.filter(slug__startswith="bench-").count(),
            "comments": Comment.objects.filter(name__startswith="Bench reader ").count(),
            "inquiries": Inquiry.objects.filter(
                email__startswith="patient", email__endswith="@example.org"
            ).count(),
        }

    def add_articles(self, rng, count, first=0):
        if count <= 0:
            return
        authors = list(Clinician.objects.all())
        conditions = list(Condition.objects.all())
        now = timezone.now()
        through = Article.conditions.through
        # Numbered after the bench articles of an earlier run, so their slugs stay unique.
        for start in range(first, first + count, BATCH):
            batch = [
                Article(
                    title=sentence(rng, 6)[:-1],
                    slug=f"bench-{number}",
                    summary=sentence(rng, 20),
                    body="".join(f"<p>{sentence(rng, 40)}</p>" for _ in range(8)),
                    language="es" if number % 10 == 9 else "en",
                    author=rng.choice(authors),
                    status=Article.Status.PUBLISHED,
                    published_at=now - timedelta(days=30, hours=number),
                    reading_minutes=2,
                )
                for number in range(start, min(start + BATCH, first + count))
            ]
            made = Article.objects.bulk_create(batch)
            through.objects.bulk_create(
                through(article_id=article.pk, condition_id=condition.pk)
                for article in made
                for condition in rng.sample(conditions, 2)
            )
        if connection.vendor == "postgresql":
            for language in ("en", "es"):
                Article.objects.filter(slug__startswith="bench-", language=language).update(
                    search_vector=search_document(language)
                )

    def add_comments(self, rng, count, first=0):
        if count <= 0:
            return
        articles = list(Article.objects.published().values_list("pk", flat=True))
        long_thread = articles[0]
        now = timezone.now()
        numbers = iter(range(first, first + count))
        while batch := list(itertools.islice(numbers, BATCH)):
            Comment.objects.bulk_create(
                Comment(
                    article_id=long_thread if number % 10 == 0 else rng.choice(articles),
                    name=f"Bench reader {number}",
                    email=f"reader{number}@example.org",
                    body=sentence(rng, 25),
                    status=Comment.Status.APPROVED,
                    created_at=now - timedelta(minutes=first + count - number),
                    published_at=now - timedelta(minutes=first + count - number),
                )
                for number in batch
            )

    def add_inquiries(self, rng, count, first=0):
        if count <= 0:
            return
        conditions = list(Condition.objects.all())
        now = timezone.now()
        statuses = [Inquiry.Status.NEW, Inquiry.Status.CONTACTED, Inquiry.Status.CLOSED]
        numbers = iter(range(first, first + count))
        while batch := list(itertools.islice(numbers, BATCH)):
            Inquiry.objects.bulk_create(
                Inquiry(
                    reference=generate_reference(),
                    name=f"Patient {number}",
                    email=f"patient{number}@example.org",
                    condition=rng.choice(conditions),
                    symptoms=sentence(rng, 30),
                    duration="a few weeks",
                    consent_at=now - timedelta(minutes=number),
                    received_at=now - timedelta(minutes=number),
                    status=rng.choice(statuses),
                )
                for number in batch
            )

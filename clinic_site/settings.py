"""Settings for the clinic site.

This is the one place that reads the environment. Every variable has an embedded default that is
safe for a first run on a laptop (SQLite, media and a file cache under ``var/``, console email); with
``DJANGO_DEBUG`` off the site refuses to start without a secret key and allowed hosts, and with
anything a server must not run with (console or file mail, an ``http://`` SITE_URL, ``*`` in the
allowed hosts) unless ``DJANGO_LOCAL_PREVIEW`` says this is a preview on this machine.
"""

import secrets
import sys
from datetime import timedelta
from ipaddress import ip_network
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse_lazy

from clinic_site.static_headers import static_file_headers

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()

# Environment variables renamed in this release, as (old name, new name), for those set under the
# old name. clinic_site.checks warns about each (clinic_site.W001) in `manage.py check`, runserver
# and `make check-deploy`.
OLD_ENV_NAMES_SET: list[tuple[str, str]] = []


def _renamed(new: str, *, old: str) -> str:
    """The variable to read for ``new``: the old name keeps working for one release if only it is set."""
    if old not in env:
        return new
    OLD_ENV_NAMES_SET.append((old, new))
    return new if new in env else old


DEBUG = env.bool("DJANGO_DEBUG", default=False)


def _local_secret_key() -> str:
    """A per-checkout key for development, generated once into var/ (which git ignores)."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off (see README, Production)."
        )
    SECRET_KEY = _local_secret_key()

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"] if DEBUG else [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is off.")

INSTALLED_APPS = [
    # Before the admin: its forms show each translated field once per language (clinic_site/translation.py).
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "ckeditor",
    # Background work: Django 6's tasks framework (backport) on the database; outbox delivers the mail.
    # Before post_office, so that its send_queued_mail (which refuses) is the one manage.py finds.
    "outbox",
    "post_office",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "solo",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "clinic_site",
    "blog",
    "blog.comments",
    "inquiries",
]

MIDDLEWARE = [
    # Outside everything, WhiteNoise's static files and the cached article page included.
    "clinic_site.middleware.SiteHeadersMiddleware",
    # /healthz, answered before the host check, the HTTPS redirect and sessions (clinic_site/health.py).
    "clinic_site.health.HealthCheckMiddleware",
    # A view that meets a database that is down or hung: the 503 page, which needs no database.
    "clinic_site.health.DatabaseUnavailableMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A shared public page for a reader with nothing personal, answered from the cache before the
    # rest (blog/pagecache.py); it replays the headers the middleware below gave that page.
    "blog.pagecache.SharedPageMiddleware",
    # HTML compressed on the way out (Django masks CSRF tokens per response, its BREACH defence).
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language of a public page is the one its URL names (/es/..., else English); the admin's is
    # set after authentication by StaffLanguageMiddleware (clinic_site/i18n.py).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "clinic_site.middleware.RejectNullBytesMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Staff sign-in: which second factor verified this session, then the gate in front of the admin.
    "django_otp.middleware.OTPMiddleware",
    "clinic_site.i18n.StaffLanguageMiddleware",
    "clinic_site.signin.middleware.StaffSignInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "clinic_site.middleware.PathAwareCSPMiddleware",
    "clinic_site.middleware.NoStoreMiddleware",
    "clinic_site.middleware.AdminRequestGuardMiddleware",
    # Axes must stay last: it turns a lockout raised by the authentication backend into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "clinic_site.urls"
WSGI_APPLICATION = "clinic_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "clinic_site.context_processors.clinic",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several server processes write at once (likes, comments, view-count flushes): write-ahead
    # logging lets readers go on during a write, IMMEDIATE transactions take the write lock up front
    # instead of failing half-way with "database is locked", and a writer waits up to 20 s for it.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that is down, or accepts connections and never answers, fails a request within a
    # few seconds (the site's own error page) instead of holding a worker: connect_timeout bounds
    # connecting, statement_timeout every query (migrations included: DATABASE_STATEMENT_TIMEOUT_SECONDS=0
    # lifts it for a long one).
    _db_options = DATABASES["default"].setdefault("OPTIONS", {})
    _db_options.setdefault("connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT_SECONDS", default=3))
    _statement_ms = env.int("DATABASE_STATEMENT_TIMEOUT_SECONDS", default=4) * 1000
    # No JIT compilation: the site's queries are short, and a plan PostgreSQL prices high (the
    # conditions list's count of what each condition's page lists) spent 220 ms compiling to save
    # nothing (260 ms against 43 at 10,000 articles).
    _db_options["options"] = (
        f"{_db_options.get('options', '')} -c statement_timeout={_statement_ms} -c jit=off".strip()
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One cache for every process that serves the site (rate limits, view counts, cached pages, session
# reads). The default is the machine's own: diskcache's SQLite files under DJANGO_CACHE_DIR, shared by
# every process on this machine, with an atomic increment (clinic_site.cache.DiskCache keeps its
# connections open between requests). Several machines share Redis (CACHE_URL=
# redis://...), through clinic_site.cache.RedisCache, which degrades instead of failing when Redis is
# down. CACHE_URL=locmemcache://... keeps a cache per process: clinic_site.E004 refuses it, with DEBUG
# off, when gunicorn runs more than one worker.
CACHE_DIR = env.path("DJANGO_CACHE_DIR", default=VAR_DIR / "cache")
if "CACHE_URL" in env:
    CACHES = {"default": env.cache_url("CACHE_URL")}
    if CACHES["default"]["BACKEND"] == "django_redis.cache.RedisCache":
        CACHES["default"]["BACKEND"] = "clinic_site.cache.RedisCache"
else:
    CACHES = {
        "default": {
            "BACKEND": "clinic_site.cache.DiskCache",
            "LOCATION": str(CACHE_DIR),
            "SHARDS": 4,
            # A read that cannot get its shard within this long is a miss; writes wait their turn.
            "DATABASE_TIMEOUT": 0.1,
            "OPTIONS": {"size_limit": env.int("DJANGO_CACHE_MAX_BYTES", default=512 * 1024 * 1024)},
        }
    }
# The processes serving the site: gunicorn's worker count as gunicorn.conf.py sees it (it sets this
# variable before the settings load), else WEB_CONCURRENCY as gunicorn would read it.
WEB_WORKERS = env.int("WEB_CONCURRENCY", default=1)

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# A mail server that accepts the connection and then stops answering would otherwise hold a web
# request or the mail worker for as long as the operating system lets a socket wait. Django's SMTP
# backend reads this for every connection, including those post_office's worker opens.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT_SECONDS", default=10)
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="clinic@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # Staff passwords: at least 12 characters (ASVS 5, 6.2.1), and not on Django's common list.
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# English and Spanish. English pages keep their unprefixed URLs, Spanish ones live under /es/
# (clinic_site.urls, i18n_patterns): the URL alone says a page's language, so a cached page is never
# served in the other one. Each language names itself, as the switcher shows it.
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Data patients read is kept in both languages (django-modeltranslation, clinic_site/translation.py):
# a Spanish field left empty shows the English one.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
# Our few changes to a language's formats (clinic_site/formats/<language>/formats.py).
FORMAT_MODULE_PATH = ["clinic_site.formats"]
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# The apps' files without the HTML pages CKEditor bundles (clinic_site/staticfinders.py).
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "clinic_site.staticfinders.AppStaticWithoutPagesFinder",
]
# Where collectstatic puts the files WhiteNoise serves. The test suite points it at a folder nothing
# collects into: WhiteNoise reads the whole folder each time a test client starts the site.
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=VAR_DIR / "static")
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=VAR_DIR / "media")

# Where `manage.py backup` writes its archives (mode 600, in a folder only the owner may open).
BACKUP_DIR = env.path("DJANGO_BACKUP_DIR", default=VAR_DIR / "backups")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# The practice itself is a row in the admin (clinic_site.models.Practice, read through
# clinic_site.practice.current()). These variables are only its first run's values: the row is made
# from them when it is missing, and after that the admin's values count (no restart).
CLINIC_NAME = env.str("CLINIC_NAME", default="Tidewater Physical Therapy")
CLINIC_EMAIL = env.str("CLINIC_EMAIL", default="hello@tidewater-pt.example")
CLINIC_PHONE = env.str("CLINIC_PHONE", default="(555) 010-2040")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# Article view counts wait in the cache and reach the database in one UPDATE per this many views
# (and on `manage.py flush_view_counts`), so readers never queue on one row lock.
BLOG_VIEW_FLUSH_EVERY = env.int("BLOG_VIEW_FLUSH_EVERY", default=20)
# Readers with nothing personal get the public pages from a whole-page cache (blog/pagecache.py); any
# content change retires them at once, and they are rebuilt at least this often so the view count
# stays fresh.
# 0 turns the page cache off (the default with DEBUG on, so template edits show at once).
BLOG_PAGE_CACHE_SECONDS = env.int("BLOG_PAGE_CACHE_SECONDS", default=0 if DEBUG else 60)
# Likes (articles and comments, blog/likes.py) counted per client address and article, in
# django-ratelimit's "count/period" format; likes past it are not counted.
LIKES_RATE_LIMIT = env.str("LIKES_RATE_LIMIT", default="10/h")

# --- The article editor (django-ckeditor) and its image uploads ------------------------------
# CKEditor runs only in the staff admin. The toolbar offers what an article needs and nothing that
# writes raw markup: no Source, no Flash, no iframes, no templates, no forms. Whatever the editor
# sends, blog.sanitize cleans the body again on every save, so the server never trusts the editor.
CKEDITOR_CONFIGS = {
    "default": {
        "toolbar": "Article",
        "toolbar_Article": [
            ["Format", "Bold", "Italic", "Underline", "Strike", "Subscript", "Superscript", "RemoveFormat"],
            ["NumberedList", "BulletedList", "Blockquote", "-", "Outdent", "Indent"],
            ["Link", "Unlink"],
            ["Image", "Table", "HorizontalRule", "SpecialChar"],
            ["Undo", "Redo", "-", "Maximize"],
        ],
        # h1 is the article title on the page; the body starts at h2.
        "format_tags": "p;h2;h3;h4",
        # A link typed without its scheme ("orthoinfo.aaos.org/...") is taken as https, not http.
        "linkDefaultProtocol": "https://",
        "removePlugins": (
            "sourcearea,sourcedialog,flash,iframe,iframedialog,templates,forms,exportpdf,preview,print,"
            "save,newpage,docprops,smiley,font,colorbutton,colordialog,div,language,bidi,justify,"
            "indentblock,stylescombo,pagebreak,scayt,wsc,about,embed,embedsemantic,autoembed,mathjax,"
            "codesnippet"
        ),
        # Paste and drag-and-drop upload images too, to the same staff-only view.
        "extraPlugins": "uploadimage",
        # No styles, classes, ids or event handlers in what the editor produces; images keep
        # their size as width/height attributes.
        "disallowedContent": "*{*}; *(*); *[id,on*]; script; iframe; object; embed; form; input",
        "extraAllowedContent": "img[width,height]",
        "removeDialogTabs": "image:advanced;image:Link;link:advanced;link:target;table:advanced",
        "image_previewText": " ",
        # Uploads go to blog.uploads.upload_image (routed by ArticleAdmin.get_urls); there is
        # deliberately no filebrowserBrowseUrl: no view lists the uploaded files.
        "filebrowserImageUploadUrl": reverse_lazy("admin:blog_article_upload_image"),
        "imageUploadUrl": reverse_lazy("admin:blog_article_upload_image"),
        "filebrowserUploadMethod": "xhr",
        "height": 420,
        "width": "100%",
    },
}
# Upload limits for editor images and cover images (bytes; width x height over all frames).
BLOG_UPLOAD_MAX_BYTES = env.int("BLOG_UPLOAD_MAX_BYTES", default=5 * 1024 * 1024)
BLOG_UPLOAD_MAX_PIXELS = env.int("BLOG_UPLOAD_MAX_PIXELS", default=24_000_000)

# ckeditor.W001 says the bundled CKEditor 4.22.1 is end-of-life and has known, unfixed issues.
# We accept that risk knowingly, and only because of the mitigations described in SECURITY.md
# ("The article editor"): the editor loads only in the staff-only admin; its toolbar and plugins
# exclude Source, Flash, iframes, templates and forms; the body is sanitised with nh3 against an
# allow-list on every save, so the public pages never depend on the editor's own filtering; image
# uploads go to our own view (staff with article permissions, CSRF-checked, Pillow-verified and
# re-encoded, size and pixel limits, random names, no browse view). The body is a plain TextField,
# so switching editors is a widget change (blog/editor.py), not a data migration.
# (The check is silenced in SILENCED_SYSTEM_CHECKS below, with the other silenced checks.)

# Comments under articles (see blog/comments/moderation.py and blog/comments/spam.py).
# A comment from a browser that confirmed its author's address (blog/comments/verification.py) is
# published at once unless something holds it; false sends every comment to the moderators.
COMMENTS_AUTO_APPROVE_VERIFIED = env.bool(
    _renamed("COMMENTS_AUTO_APPROVE_VERIFIED", old="COMMENTS_AUTO_APPROVE_KNOWN"), default=True
)
# Confirmation emails per address and day, and how long their link stays valid.
COMMENTS_CONFIRMATIONS_PER_DAY = env.int("COMMENTS_CONFIRMATIONS_PER_DAY", default=3)
COMMENTS_CONFIRM_LINK_DAYS = env.int("COMMENTS_CONFIRM_LINK_DAYS", default=7)
# Comments close this many days after an article is published; 0 keeps them open.
COMMENTS_CLOSE_AFTER_DAYS = env.int("COMMENTS_CLOSE_AFTER_DAYS", default=180)
# The time trap: a form sent sooner than this after it was shown is a bot's.
COMMENTS_MIN_SECONDS = env.int("COMMENTS_MIN_SECONDS", default=3)
# A form older than this must be sent again (its signed timestamp has expired).
COMMENTS_MAX_FORM_AGE_SECONDS = env.int(
    _renamed("COMMENTS_MAX_FORM_AGE_SECONDS", old="COMMENTS_MAX_FORM_AGE"), default=60 * 60 * 12
)
# Per client, across processes (the cache); format of django-ratelimit: "count/period".
COMMENTS_RATE_LIMIT = env.str("COMMENTS_RATE_LIMIT", default="5/10m")
COMMENTS_FAILED_RATE_LIMIT = env.str("COMMENTS_FAILED_RATE_LIMIT", default="20/h")
# More links than this and the comment waits for a moderator, known commenter or not.
COMMENTS_MAX_LINKS = env.int("COMMENTS_MAX_LINKS", default=2)
# Words that hold a comment for moderation; domains whose links are refused outright.
COMMENTS_BLOCKED_WORDS = env.list(
    "COMMENTS_BLOCKED_WORDS", default=["casino", "viagra", "cialis", "crypto giveaway", "payday loan"]
)
COMMENTS_BLOCKED_DOMAINS = env.list("COMMENTS_BLOCKED_DOMAINS", default=["bit.ly", "tinyurl.com"])
# Moderators are the "Comment moderators" group; these addresses are used when it has nobody with an email.
COMMENTS_MODERATOR_EMAILS = env.list("COMMENTS_MODERATOR_EMAILS", default=[])
# At most one "comments are waiting" email per moderator in this many minutes.
COMMENTS_NOTIFY_EVERY_MINUTES = env.int("COMMENTS_NOTIFY_EVERY_MINUTES", default=15)
# How long a rendered comment thread stays in the cache (it is also dropped on every change).
COMMENTS_THREAD_CACHE_SECONDS = env.int("COMMENTS_THREAD_CACHE_SECONDS", default=60 * 60)
# Top-level threads on one page of comments (a thread's replies stay on its page).
COMMENTS_PER_PAGE = env.int("COMMENTS_PER_PAGE", default=30)
# A commenter may change or delete a comment from the browser that sent it for this long (the link in
# the confirmation email works at any time).
COMMENTS_EDIT_MINUTES = env.int("COMMENTS_EDIT_MINUTES", default=15)

# Mail goes through django-post-office's outbox (an Email row, stored in the transaction that queues it)
# and is delivered by the task engine: one django-tasks task per email, run by `make worker`
# (outbox/; README, Mail queue) with the real backend above.
POST_OFFICE = {
    "BACKENDS": {"default": EMAIL_CONFIG["EMAIL_BACKEND"]},
    "DEFAULT_PRIORITY": "medium",
    "MAX_RETRIES": env.int("MAIL_MAX_RETRIES", default=6),
    # First retry after this long; outbox doubles it for each further attempt.
    "RETRY_INTERVAL": timedelta(seconds=env.int("MAIL_RETRY_SECONDS", default=60)),
    "LOG_LEVEL": 1,
    # Every email gets its Message-ID when it is queued, and keeps it through every retry, so that a
    # copy sent twice (a worker killed mid-send) is one message to the recipient's mail client.
    "MESSAGE_ID_ENABLED": True,
    "MESSAGE_ID_FQDN": urlsplit(SITE_URL).hostname or "localhost",
}
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A delivery task still running this long after a worker claimed it is taken back (its worker is
# dead) and the email, if still unsent, gets a new task. Longer than one SMTP exchange can take.
MAIL_CLAIM_SECONDS = env.int("MAIL_CLAIM_SECONDS", default=300)
# The inquiry handler (a staff account with an email address) given what no rule matches, and told
# when the person a rule chose has no address. Required without DEBUG (inquiries.E001/E002). The
# old INQUIRIES_FALLBACK_EMAIL (a bare address, by default the public mailbox) is no longer read.
INQUIRIES_FALLBACK_USERNAME = env.str("INQUIRIES_FALLBACK_USERNAME", default="")
INQUIRIES_FALLBACK_EMAIL_SET = "INQUIRIES_FALLBACK_EMAIL" in env
# "all": every handler sees every inquiry; "mine": those assigned to them or to nobody (superusers
# always see all).
INQUIRIES_HANDLER_SCOPE = env.str("INQUIRIES_HANDLER_SCOPE", default="all")
# "<count>/<period>" per client, period one of s, m, h, d; shared through the cache across processes.
# Accepted inquiries count against the first; forms sent back with errors only against the second.
INQUIRIES_RATE_LIMIT = env.str("INQUIRIES_RATE_LIMIT", default="5/h")
INQUIRIES_FAILED_RATE_LIMIT = env.str("INQUIRIES_FAILED_RATE_LIMIT", default="20/h")
# Acknowledgements to one address per day, whoever sends the form (counted by a keyed hash).
INQUIRIES_ACKS_PER_ADDRESS_PER_DAY = env.int("INQUIRIES_ACKS_PER_ADDRESS_PER_DAY", default=3)
# The time trap, as for comments: sooner than this is a bot's, older than this is sent again.
INQUIRIES_MIN_SECONDS = env.int(
    _renamed("INQUIRIES_MIN_SECONDS", old="INQUIRIES_MIN_FILL_SECONDS"), default=3
)
INQUIRIES_MAX_FORM_AGE_SECONDS = env.int(
    _renamed("INQUIRIES_MAX_FORM_AGE_SECONDS", old="INQUIRIES_FORM_MAX_AGE_SECONDS"), default=60 * 60 * 24
)
INQUIRIES_RETENTION_DAYS = env.int("INQUIRIES_RETENTION_DAYS", default=365)
INQUIRIES_RESPONSE_DAYS = env.int("INQUIRIES_RESPONSE_DAYS", default=2)
# Secure replies (inquiries.secure_links): how long the link in a "there is news" email works (only
# the newest link of an inquiry works at all); requests for a new link per client and period, and
# new links sent to one address a day (counted by a keyed hash, like the acknowledgements).
INQUIRIES_LINK_DAYS = env.int("INQUIRIES_LINK_DAYS", default=14)
INQUIRIES_LINK_RATE_LIMIT = env.str("INQUIRIES_LINK_RATE_LIMIT", default="5/h")
INQUIRIES_NEW_LINKS_PER_ADDRESS_PER_DAY = env.int("INQUIRIES_NEW_LINKS_PER_ADDRESS_PER_DAY", default=3)
# Patients' answers through the link: accepted per client and, separately, per conversation; staff
# are emailed of answers at most once per inquiry in this many minutes.
INQUIRIES_ANSWER_RATE_LIMIT = env.str("INQUIRIES_ANSWER_RATE_LIMIT", default="10/h")
INQUIRIES_ANSWER_NOTIFY_MINUTES = env.int("INQUIRIES_ANSWER_NOTIFY_MINUTES", default=15)

# --- Production posture (issue 5) -------------------------------------------------------------
# Everything below assumes a TLS-terminating proxy (nginx) in front of gunicorn; README.md, Production.

# Uploaded media (cover images, editor images): on local disk under MEDIA_ROOT by default, or on an
# S3-compatible bucket when all four of these are set. Some but not all of them is a mistake that
# would otherwise write uploads to one machine's disk unseen, so the site refuses to start.
MEDIA_BUCKET_VARIABLES = (
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_ENDPOINT_URL",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
)
_bucket = {name: env.str(name, default="") for name in MEDIA_BUCKET_VARIABLES}
if any(_bucket.values()) and not all(_bucket.values()):
    raise ImproperlyConfigured(
        "Object storage for media needs all of "
        + ", ".join(MEDIA_BUCKET_VARIABLES)
        + "; missing: "
        + ", ".join(name for name, value in _bucket.items() if not value)
        + ". Set them all, or none to keep media on local disk (README.md, Environment variables)."
    )
MEDIA_ON_BUCKET = all(_bucket.values())


def media_bucket_storage(
    *, bucket_name: str, endpoint_url: str, access_key: str, secret_key: str, **options
) -> dict:
    """STORAGES["default"] for media on a bucket (the test suite builds its own from this too).

    clinic_site.storage.MediaBucketStorage is django-storages' S3 backend whose URLs are our own
    /media/ (clinic_site.media streams from the bucket), never the bucket's.
    """
    return {
        "BACKEND": "clinic_site.storage.MediaBucketStorage",
        "OPTIONS": {
            "bucket_name": bucket_name,
            "endpoint_url": endpoint_url,
            "access_key": access_key,
            "secret_key": secret_key,
            # Like local disk: a name already taken gets a new one, nothing is overwritten.
            "file_overwrite": False,
            # Objects get the bucket's own (private) permissions; no public ACL is ever asked for.
            "default_acl": None,
            **options,
        },
    }


if MEDIA_ON_BUCKET:
    MEDIA_STORAGE = media_bucket_storage(
        bucket_name=_bucket["AWS_STORAGE_BUCKET_NAME"],
        endpoint_url=_bucket["AWS_S3_ENDPOINT_URL"],
        access_key=_bucket["AWS_ACCESS_KEY_ID"],
        secret_key=_bucket["AWS_SECRET_ACCESS_KEY"],
        region_name=env.str("AWS_S3_REGION_NAME", default="") or None,
        # "path" for most S3-compatible servers (MinIO, Ceph, moto); AWS takes "virtual" or "auto".
        addressing_style=env.str("AWS_S3_ADDRESSING_STYLE", default="") or None,
    )
else:
    MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}

STORAGES = {
    "default": MEDIA_STORAGE,
    # Hashed, compressed files that WhiteNoise serves with a one-year immutable cache. The plain
    # storage is for DEBUG (runserver) and for the test suite, which has no collectstatic step.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env.bool("DJANGO_STATIC_MANIFEST", default=not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Django serves /media/ itself (clinic_site.media) when this is on: by default with DEBUG and
# whenever media are on a bucket (browsers never fetch from the bucket, so something on our origin
# must). With media on local disk a server may leave it off and let nginx serve the folder with the
# same headers (README.md, Production, uploaded media).
SERVE_MEDIA = env.bool("DJANGO_SERVE_MEDIA", default=DEBUG or MEDIA_ON_BUCKET)

# Sessions: only staff log in, so every session is a staff session. It ends after 30 idle
# minutes: the expiry is pushed forward on each request. With a shared cache (the machine's file
# cache, or Redis) reads come from the cache and writes go through to the database; with a
# per-process local-memory cache they stay in the database, so that a logout in one process is not
# undone by another's stale copy.
_SHARED_CACHE = not CACHES["default"]["BACKEND"].endswith(("LocMemCache", "DummyCache"))
# The practice's record is cached only in a shared cache, where saving it drops the one copy; a
# per-process cache could not be told (clinic_site.practice).
PRACTICE_CACHED = _SHARED_CACHE
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db" if _SHARED_CACHE else "django.contrib.sessions.backends.db"
)
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# No JavaScript on the site reads the CSRF cookie: forms carry the token in a hidden field (and a
# script that posts should take it from there), so the cookie can be hidden from scripts too.
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

if not DEBUG:
    # The proxy terminates TLS and says so in X-Forwarded-Proto; it must overwrite that header
    # from clients (nginx: proxy_set_header X-Forwarded-Proto $scheme).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# What a server never runs with. Without DEBUG the site refuses to start with mail printed to the
# console or written to files (patients' addresses in a server log), a SITE_URL that is not https://
# (the links in emails and feeds) or ALLOWED_HOSTS="*" (any Host header believed).
# DJANGO_LOCAL_PREVIEW=true runs that configuration on this machine (make serve, make check-deploy,
# make bench, .ci/nginx_smoke.sh, the test suite): it allows console mail and an http:// SITE_URL on
# a loopback host, nothing else, and says so at start-up.
LOCAL_PREVIEW = env.bool("DJANGO_LOCAL_PREVIEW", default=False)
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def _unsafe_for_a_server() -> list[str]:
    problems = []
    mail = EMAIL_CONFIG["EMAIL_BACKEND"]
    if mail == "django.core.mail.backends.filebased.EmailBackend" or (
        mail == "django.core.mail.backends.console.EmailBackend" and not LOCAL_PREVIEW
    ):
        problems.append(
            "EMAIL_URL must name a real mail server (e.g. smtp+tls://...), not the console or files: "
            "patients' addresses would end up in a log or on disk."
        )
    site = urlsplit(SITE_URL)
    local_http = LOCAL_PREVIEW and site.scheme == "http" and site.hostname in LOOPBACK_HOSTS
    if not (site.scheme == "https" and site.hostname) and not local_http:
        problems.append(
            f"SITE_URL must start with https:// (it is {SITE_URL!r}); only DJANGO_LOCAL_PREVIEW=true "
            f"allows http:// on {', '.join(LOOPBACK_HOSTS)}."
        )
    if "*" in ALLOWED_HOSTS:
        problems.append("DJANGO_ALLOWED_HOSTS must name the site's hosts, not '*'.")
    if MEDIA_ON_BUCKET:
        endpoint = urlsplit(_bucket["AWS_S3_ENDPOINT_URL"])
        endpoint_on_this_machine = endpoint.scheme == "http" and endpoint.hostname in LOOPBACK_HOSTS
        if endpoint.scheme != "https" and not endpoint_on_this_machine:
            problems.append(
                "AWS_S3_ENDPOINT_URL must start with https:// (http:// only on "
                f"{', '.join(LOOPBACK_HOSTS)}): the keys and the files travel over it."
            )
    return problems


if not DEBUG:
    if _problems := _unsafe_for_a_server():
        raise ImproperlyConfigured(
            "Refusing to start with DJANGO_DEBUG off: " + " ".join(_problems) + " (README.md, Production)"
        )
    if LOCAL_PREVIEW:
        print(
            "DJANGO_LOCAL_PREVIEW is on: console mail and an http:// loopback SITE_URL are allowed. "
            "Never set it on a server.",
            file=sys.stderr,
        )

SILENCED_SYSTEM_CHECKS = [
    # security.W021 (SECURE_HSTS_PRELOAD off): asking browsers to hard-code HTTPS for the domain
    # and all its subdomains is hard to undo, so it is the practice's decision per domain:
    # DJANGO_SECURE_HSTS_PRELOAD=true once every subdomain serves HTTPS (README.md, Production).
    "security.W021",
    # ckeditor.W001 (CKEditor 4 is past its free support): the editor is only in the staff-only
    # admin, its output is sanitised by nh3 on save; see SECURITY.md.
    "ckeditor.W001",
]

# Content-Security-Policy (django-csp 4). Public pages: nothing inline, nothing from elsewhere.
# A nonce is added to script-src only on a response whose template asked for request.csp_nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}
# CKEditor 4 builds its toolbar with inline event handlers and javascript: URLs and styles its
# elements inline, so on the two pages that load it (staff only) the script and style directives
# are replaced; nothing else is relaxed and 'unsafe-eval' is never needed. The rest of the admin,
# its login page included, has the public policy (Django's admin needs no inline script or style),
# and so has the editor's image upload, which answers JSON.
CSP_RELAXED_VIEW_NAMES = ["admin:blog_article_add", "admin:blog_article_change"]
CSP_RELAXED_DIRECTIVES = {
    "script-src": [SELF, UNSAFE_INLINE],
    "style-src": [SELF, UNSAFE_INLINE],
    "img-src": [SELF, "data:", "blob:"],
}
# Pages that show or take private details: never kept by a browser or a shared cache.
# The inquiry pages are under each language's prefix (/inquiries/, /es/inquiries/).
NO_STORE_PATH_PREFIXES = [
    "/admin/",
    *(("/" if code == LANGUAGE_CODE else f"/{code}/") + "inquiries/" for code, _name in LANGUAGES),
]
# On every response (clinic_site.middleware.SiteHeadersMiddleware): no page may use these devices,
# and no other site may embed our responses (images, scripts, JSON) in its pages.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"
# A static file that is a document runs nothing and cannot be framed (none is collected).
WHITENOISE_ADD_HEADERS_FUNCTION = static_file_headers
# The admin (clinic_site.middleware.AdminRequestGuardMiddleware): a request another site makes is
# refused unless it opens a page (a link in an email); these views, which act on a GET in the
# library that provides them, answer 405 to it (django-post-office's "send again").
ADMIN_PATH_PREFIXES = ["/admin/"]
ADMIN_POST_ONLY_VIEWS = ["admin:resend"]


# --- Staff sign-in (issue 11; clinic_site/signin/, README "Staff sign-in", SECURITY.md) ----------
# A password, then a second factor (django-otp: an authenticator app or a single-use recovery
# code) before any admin page. StaffSignInMiddleware is the one gate; a staff member without a
# device enrols at first sign-in.
# The practice's name at the time an app is set up (read from its record, not from CLINIC_NAME).
# django-otp calls this setting with the device when it is callable.
def OTP_TOTP_ISSUER(device):
    from clinic_site.practice import otp_issuer

    return otp_issuer(device)


# Each wrong code doubles the wait before the next try on that device (1 s, 2 s, 4 s, ...).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# Recovery codes issued at enrolment (each works once).
SIGNIN_RECOVERY_CODES = 10
# A signed-in session ends after SESSION_COOKIE_AGE idle (above), and in any case this long after the
# password was typed: then a fresh sign-in, both factors, is required.
SIGNIN_MAX_AGE_SECONDS = env.int("SIGNIN_MAX_AGE_SECONDS", default=12 * 60 * 60)

# Password guessing (django-axes): three counters, each with its own limit within the cool-off.
# The pair (this username from this address: a person mistyping) locks first; the username from
# any address (guessing spread over many addresses) and the address for any username (password
# spraying) have higher limits, so one stranger cannot lock a colleague out with a few tries.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "clinic_site.signin.lockout.PerParameterLimitHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username", "ip_address"]
# Failures allowed per parameter set (key: the set's parameters, as in AXES_LOCKOUT_PARAMETERS).
AXES_LOCKOUT_LIMITS = {("username", "ip_address"): 5, ("username",): 10, ("ip_address",): 20}
AXES_FAILURE_LIMIT = AXES_LOCKOUT_LIMITS[("username", "ip_address")]
AXES_COOLOFF_TIME = timedelta(minutes=15)  # templates/axes/lockout.html names this duration
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_TEMPLATE = "axes/lockout.html"
# A right password clears the pair's failures only (PerParameterLimitHandler): never the username's
# or the address's, so signing in to one's own account does not reset a spraying count.
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "clinic_site.security.client_ip"
# The proxies in front (addresses or CIDR ranges; nginx on this machine: 127.0.0.1). The client
# address for the lockout and the rate limits is the first address in X-Forwarded-For, read from
# the right, that is not one of them (clinic_site.security.client_ip); a request that does not come
# from one of them is known by its socket address alone. Empty trusts no such header.
TRUSTED_PROXIES = env.list("DJANGO_TRUSTED_PROXIES", default=[])
try:
    for _entry in TRUSTED_PROXIES:
        ip_network(_entry, strict=False)
except ValueError as error:
    raise ImproperlyConfigured(
        f"DJANGO_TRUSTED_PROXIES holds something that is not an address or a CIDR range: {error}."
    ) from None
# The count of proxies it replaces could be wrong without anything noticing (too high: forged
# addresses are believed; too low: every client shares the proxy's). clinic_site.E001 refuses it.
TRUSTED_PROXY_COUNT_SET = "DJANGO_TRUSTED_PROXY_COUNT" in env

# Error reports mask signed-link tokens in query strings (the comment and inquiry links) and the open
# inquiry thread's cookie, as they mask the sensitive POST parameters each view names.
DEFAULT_EXCEPTION_REPORTER = "clinic_site.errors.TokenHidingExceptionReporter"
DEFAULT_EXCEPTION_REPORTER_FILTER = "clinic_site.errors.TokenHidingReporterFilter"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        # Login attempts (username, client address; never a password) and refused requests.
        "axes": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.security": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # Server errors: Django's default sends them only to ADMINS by email (none here) and to a
        # console handler that works only with DEBUG on, so without this a 500 left no trace. The
        # line names the path, not the query string; the traceback shows no local variables.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        # The worker: start, outages of the database, retries and recoveries (email ids, no addresses).
        "outbox": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

"""Settings for the clinic site.

This is the one place that reads the environment. Every variable has an embedded default that is
safe for a first run on a laptop (SQLite under ``var/``, local-memory cache, console email); with
``DJANGO_DEBUG`` off the site refuses to start without a secret key and allowed hosts.
"""

import secrets
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()

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
    "post_office",
    "clinic_site",
    "blog",
    "inquiries",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://clinic")}

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="clinic@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
LANGUAGES = [("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=VAR_DIR / "media")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# The practice itself. Locations and clinicians are data (admin, seed_demo); these are the
# few facts a page needs before any data exists.
CLINIC_NAME = env.str("CLINIC_NAME", default="Tidewater Physical Therapy")
CLINIC_EMAIL = env.str("CLINIC_EMAIL", default="hello@tidewater-pt.example")
CLINIC_PHONE = env.str("CLINIC_PHONE", default="(555) 010-2040")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# Article view counts wait in the cache and reach the database in one UPDATE per this many views
# (and on `manage.py flush_view_counts`), so readers never queue on one row lock.
BLOG_VIEW_FLUSH_EVERY = env.int("BLOG_VIEW_FLUSH_EVERY", default=20)

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
SILENCED_SYSTEM_CHECKS = ["ckeditor.W001"]

# Comments under articles (see blog/moderation.py and blog/spam.py).
# A commenter whose email already has an approved comment is approved at once.
COMMENTS_AUTO_APPROVE_KNOWN = env.bool("COMMENTS_AUTO_APPROVE_KNOWN", default=True)
# Comments close this many days after an article is published; 0 keeps them open.
COMMENTS_CLOSE_AFTER_DAYS = env.int("COMMENTS_CLOSE_AFTER_DAYS", default=180)
# The time trap: a form sent sooner than this after it was shown is a bot's.
COMMENTS_MIN_SECONDS = env.int("COMMENTS_MIN_SECONDS", default=3)
# A form older than this must be sent again (its signed timestamp has expired).
COMMENTS_MAX_FORM_AGE = env.int("COMMENTS_MAX_FORM_AGE", default=60 * 60 * 12)
# Per client, across processes (the cache); format of django-ratelimit: "count/period".
COMMENTS_RATE_LIMIT = env.str("COMMENTS_RATE_LIMIT", default="5/10m")
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

# Inquiries (issue 4). Mail goes through django-post-office's database queue: the inquiry and its
# emails commit in one transaction and `make worker` delivers them with the real backend above.
POST_OFFICE = {
    "BACKENDS": {"default": EMAIL_CONFIG["EMAIL_BACKEND"]},
    "DEFAULT_PRIORITY": "medium",
    "MAX_RETRIES": env.int("MAIL_MAX_RETRIES", default=6),
    # First retry after this long; the worker doubles it for each further attempt.
    "RETRY_INTERVAL": timedelta(seconds=env.int("MAIL_RETRY_SECONDS", default=60)),
    "LOG_LEVEL": 1,
    "LOCK_FILE_NAME": str(VAR_DIR / "post_office"),
}
INQUIRIES_FALLBACK_EMAIL = env.str("INQUIRIES_FALLBACK_EMAIL", default=CLINIC_EMAIL)
INQUIRIES_FALLBACK_USERNAME = env.str("INQUIRIES_FALLBACK_USERNAME", default="")
# "<count>/<period>" per client, period one of s, m, h, d; shared through the cache across processes.
INQUIRIES_RATE_LIMIT = env.str("INQUIRIES_RATE_LIMIT", default="5/h")
INQUIRIES_MIN_FILL_SECONDS = env.int("INQUIRIES_MIN_FILL_SECONDS", default=3)
INQUIRIES_FORM_MAX_AGE_SECONDS = env.int("INQUIRIES_FORM_MAX_AGE_SECONDS", default=60 * 60 * 24)
INQUIRIES_RETENTION_DAYS = env.int("INQUIRIES_RETENTION_DAYS", default=365)
INQUIRIES_RESPONSE_DAYS = env.int("INQUIRIES_RESPONSE_DAYS", default=2)

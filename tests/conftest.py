"""Fixtures every test gets, whatever its folder.

Every admin page needs a second factor (clinic_site/signin/). Tests of what the admin does sign
staff in with ``client.force_login`` (pytest-django's ``admin_client`` too): here that also gives
the user a confirmed authenticator app and marks the session as verified by it, as
``django_otp.login`` does after a right code. Tests of the sign-in itself go through the real
steps (tests/clinic_site/test_signin.py), or use ``password_only_login`` for a session that has
the password and nothing more.
"""

import socket
import uuid

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import Client
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic_site.signin import devices
from tests import s3server

# The operations tests (marker "operations"): what runs the site rather than the site itself. Each
# database pass runs them, then the rest, as two pytest runs (Makefile).
OPERATIONS = (
    "tests/outbox/",
    "tests/clinic_site/test_backup.py",
    "tests/clinic_site/test_seed_demo.py",
    "tests/clinic_site/test_seed_bench.py",
)


def pytest_collection_modifyitems(config, items):
    for item in items:
        path = item.path.relative_to(config.rootpath).as_posix()
        if path.startswith(OPERATIONS) or path.endswith("/test_migrations.py"):
            item.add_marker(pytest.mark.operations)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(request, tmp_path_factory, django_db_modify_db_settings_parallel_suffix):
    """A run with browser tests keeps its SQLite test database in a file, not in memory. In memory,
    Django hands the live server's thread the tests' own connection, so a request still being
    answered when a test reads, writes or empties the tables shares its transaction: CI saw "no
    such savepoint" and "FOREIGN KEY constraint failed". On a file each thread has its connection,
    and SQLite's lock orders them, as on a real server."""
    database = settings.DATABASES["default"]
    browser = any(item.get_closest_marker("browser") for item in request.session.items)
    if browser and database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("db") / "test.sqlite3")


@pytest.fixture(autouse=True)
def _empty_caches():
    """Rate limits, view counters, cached pages and comment threads live in the cache, so no test
    may see another's. Clearing works the same on locmem and Redis, and reaches the live server of
    the browser tests: its thread reads the same store."""
    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """The production hasher spends about a fifth of a second on each password a factory or a login
    hashes; the suite tests behaviour, not the hasher's strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """LocaleMiddleware activates a request's language in the thread it ran in (as a server does for
    each request): a test that opened a Spanish page must not leave the next test's reverse() in it."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


_force_login = Client.force_login


def password_only_login(client, user):
    """Sign ``user`` in as if the password had just been typed: no second factor yet."""
    _force_login(client, user)


def _force_login_with_second_factor(self, user, backend=None):
    _force_login(self, user, backend)
    if user.is_staff:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or devices.add_app(user)
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


@pytest.fixture(autouse=True)
def _staff_logins_have_a_second_factor(monkeypatch):
    monkeypatch.setattr(Client, "force_login", _force_login_with_second_factor)


@pytest.fixture(scope="session")
def s3_endpoint():
    """The URL of the local S3 server (tests/s3server.py), started once for the run."""
    url, process = s3server.start()
    yield url
    if process is not None:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def media_bucket(settings, s3_endpoint):
    """Media on a fresh, empty bucket of the local S3 server, as the AWS_* variables set them up:
    uploads go to the bucket and Django serves /media/ from it."""
    bucket = s3server.Bucket(s3server.client(s3_endpoint), f"clinic-test-{uuid.uuid4().hex[:16]}")
    bucket.s3.create_bucket(Bucket=bucket.name)
    settings.STORAGES = {**settings.STORAGES, "default": s3server.storage_settings(s3_endpoint, bucket.name)}
    settings.MEDIA_ON_BUCKET = True
    settings.SERVE_MEDIA = True
    yield bucket
    bucket.remove()


def closed_port() -> int:
    """A local port nothing listens on (taken from the system, then let go)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def cache_down(settings):
    """The shared cache is Redis, and Redis does not answer (nothing listens on its port)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "clinic_site.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        }
    }
    yield


def _raise(exc):
    """In a test a database error is the test's to see, not one for the worker to wait out."""
    raise exc


class MailWorker:
    """The task worker (``manage.py task_worker``) run in the test's own process and database."""

    def __init__(self, worker_id: str = "test-worker"):
        from outbox.worker import Worker

        self.worker = Worker(
            queue_names=["default"],
            excluded_queue_names=[],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id,
        )

    def run(self) -> int:
        """Run every task that is due, then return how many ran."""
        from unittest import mock

        before = self.worker._run_tasks
        self.worker.next_recovery = 0.0  # recover first, as a worker does when it starts
        # Between tasks the worker drops a connection left outside autocommit, as a web request does;
        # here that is the test's own transaction, which must stay open.
        # A database error here is the test's to see, not one to wait out.
        with (
            mock.patch("outbox.worker.close_old_connections"),
            mock.patch.object(
                self.worker.database, "pause", side_effect=lambda exc: (_ for _ in ()).throw(exc)
            ),
        ):
            self.worker.run()
        return self.worker._run_tasks - before

    @staticmethod
    def make_due() -> None:
        """The time of every waiting retry has come."""
        from django.utils import timezone
        from django_tasks_db.models import DBTaskResult
        from post_office.models import Email

        Email.objects.update(scheduled_time=None)
        DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())


@pytest.fixture
def mail_worker(db):
    return MailWorker()

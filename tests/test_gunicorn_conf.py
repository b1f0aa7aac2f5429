"""gunicorn.conf.py: the system checks run when gunicorn starts, and it says which cache is shared."""

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings

from tests.conftest import closed_port

GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def server_env(**overrides) -> dict:
    return {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_DEBUG": "false",
        "DJANGO_LOCAL_PREVIEW": "true",
        "DJANGO_SECRET_KEY": "k" * 60,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "INQUIRIES_FALLBACK_USERNAME": "owner",
        **overrides,
    }


def gunicorn_command(*arguments, port: int | None = None) -> list[str]:
    port = port or closed_port()
    return [GUNICORN, "clinic_site.wsgi:application", "--bind", f"127.0.0.1:{port}", *arguments]


def status_once_listening(url: str) -> int:
    """The status of a GET of ``url`` (as the HTTPS proxy sends it), once the server listens."""
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})
    for _attempt in range(100):
        try:
            with urllib.request.urlopen(request, timeout=5) as answer:
                return answer.status
        except urllib.error.HTTPError as answer:
            return answer.code
        except OSError:  # not listening yet
            time.sleep(0.2)
    raise AssertionError(f"nothing answered {url}")


def start_gunicorn(*arguments, **env_overrides):
    return subprocess.run(
        gunicorn_command(*arguments),
        cwd=settings.BASE_DIR,
        env=server_env(**env_overrides),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_gunicorn_refuses_several_workers_with_a_cache_per_process():
    result = start_gunicorn("--workers", "2", CACHE_URL="locmemcache://one")
    assert result.returncode != 0
    assert "clinic_site.E004" in result.stderr


def test_gunicorn_names_the_shared_file_cache_at_start(tmp_path):
    result = subprocess.Popen(
        gunicorn_command("--workers", "3"),
        cwd=settings.BASE_DIR,
        env=server_env(DJANGO_CACHE_DIR=str(tmp_path)),
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for line in result.stderr:
            if "Cache:" in line:
                break
    finally:
        result.terminate()
        result.wait(30)
    assert f"the machine's file cache in {tmp_path}, shared by the 3 workers on this machine" in line


def test_gunicorn_access_log_when_asked_for_has_the_path_but_not_the_search_or_the_probe(tmp_path):
    """nginx keeps the access log and gunicorn none (make serve); whoever turns gunicorn's on gets
    the path without the query string (a patient's name or condition searched), and no probe lines."""
    port = closed_port()
    server = subprocess.Popen(
        gunicorn_command(port=port),
        cwd=settings.BASE_DIR,
        env=server_env(
            GUNICORN_CMD_ARGS="--access-logfile -",
            DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
            DJANGO_CACHE_DIR=str(tmp_path / "cache"),
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        status_once_listening(f"http://127.0.0.1:{port}/healthz")
        status_once_listening(f"http://127.0.0.1:{port}/robots.txt?q=sciatica")
    finally:
        server.terminate()
        log, _ = server.communicate(timeout=30)
    assert '"GET /robots.txt HTTP/1.1"' in log
    assert "sciatica" not in log
    assert "healthz" not in log

"""gunicorn.conf.py: the system checks run when gunicorn starts, and it says which cache is shared."""

import os
import subprocess
import sys
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


def gunicorn_command(*arguments) -> list[str]:
    return [GUNICORN, "clinic_site.wsgi:application", "--bind", f"127.0.0.1:{closed_port()}", *arguments]


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

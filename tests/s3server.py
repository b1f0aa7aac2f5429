"""A real S3 server on 127.0.0.1 for the object-storage tests: moto's server mode (moto_server).

The suite starts one for the whole run on the first free port of S3_TEST_PORTS (9000-9010 unless
set), or uses the one at S3_TEST_ENDPOINT_URL when CI or a developer has started it. It never
skips: a server that cannot start fails the tests that need it.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

# moto accepts any key pair; these name nothing real.
ACCESS_KEY = "test-suite-access-key"
SECRET_KEY = "test-suite-secret-key"
REGION = "us-east-1"


def _free_port(ports: range) -> int:
    for port in ports:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"No free port for the S3 test server in {ports.start}-{ports.stop - 1}.")


def _ports() -> range:
    first, _, last = os.environ.get("S3_TEST_PORTS", "9000-9010").partition("-")
    return range(int(first), int(last or first) + 1)


def _answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=1).close()
    except urllib.error.HTTPError:
        return True  # any HTTP answer means the server is up
    except OSError:
        return False
    return True


def start() -> tuple[str, subprocess.Popen | None]:
    """The endpoint URL of a running server, and the process if this call started it."""
    if url := os.environ.get("S3_TEST_ENDPOINT_URL"):
        return url, None
    port = _free_port(_ports())
    url = f"http://127.0.0.1:{port}"
    server = Path(sys.executable).with_name("moto_server")
    process = subprocess.Popen(
        [str(server), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while not _answers(url):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"moto_server did not start on {url}.")
        time.sleep(0.1)
    return url, process


def client(endpoint_url: str):
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=endpoint_url,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        region_name=REGION,
    )


def storage_settings(endpoint_url: str, bucket: str) -> dict:
    """STORAGES["default"] for ``bucket``, as clinic_site/settings.py builds it from the AWS_* variables."""
    from clinic_site.settings import media_bucket_storage

    return media_bucket_storage(
        bucket_name=bucket,
        endpoint_url=endpoint_url,
        access_key=ACCESS_KEY,
        secret_key=SECRET_KEY,
        region_name=REGION,
        addressing_style="path",
    )


class Bucket:
    """A bucket of the test server, read with boto3 directly (not through the site's storage)."""

    def __init__(self, s3, name: str):
        self.s3 = s3
        self.name = name

    def keys(self) -> set[str]:
        pages = self.s3.get_paginator("list_objects_v2").paginate(Bucket=self.name)
        return {entry["Key"] for page in pages for entry in page.get("Contents", ())}

    def read(self, key: str) -> bytes:
        return self.s3.get_object(Bucket=self.name, Key=key)["Body"].read()

    def remove(self) -> None:
        for key in self.keys():
            self.s3.delete_object(Bucket=self.name, Key=key)
        self.s3.delete_bucket(Bucket=self.name)

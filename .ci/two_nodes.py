"""Two app servers behind nginx, sharing PostgreSQL, Redis and object storage, and what happens when a
part fails. Run by .ci/two_nodes.sh (`make two-nodes`), which sets up the trap; see it for the ports.

Node A and node B are each `make serve` (gunicorn, several workers) on their own port, with one
environment: the same secret key, database, cache, bucket and SITE_URL, as on two machines. nginx runs
deploy/nginx/clinic.conf with the upstream of deploy/nginx/cluster.conf in front of them. A request
"through node A" is sent to node A's port with the headers nginx would add, so the script knows which
node answered; the rest go through nginx. Each outcome is counted and printed as "ok: ..."; the first
one that does not hold stops the run with "FAILED: ...".

1. The two nodes (the shared PostgreSQL server, a fresh database; Redis, one database number; the S3
   server, moto_server): health, load balancing, a comment rejected through A is gone from B's next
   response, likes sent to both add up, an image uploaded through A is served by B, one mail worker
   per node delivers each of 100 emails once, even with one of them killed (kill -9) mid-handover;
   node A killed, nginx sends every request to B.
2. Faults (the same nodes, restarted on a throwaway PostgreSQL cluster and a throwaway redis-server
   that this script may stop): the database stopped and hung (SIGSTOP), Redis stopped and hung, the
   mail server stopped and hung; each counting accepted against stored against delivered.

Everything it starts runs in its own process group, written to $TWO_NODES_TMP/pgids for the shell's
trap, and is stopped by this script on the way out. Standard library, plus psycopg, boto3 and Pillow
from the project's virtualenv.
"""

import contextlib
import email
import email.policy
import html
import http.client
import io
import json
import os
import re
import secrets
import shutil
import signal
import socket
import socketserver
import ssl
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie
from pathlib import Path

import boto3
import psycopg
from django_otp.oath import totp
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv/bin/python")
HOST = "127.0.0.1"


def setting(name: str, default: str) -> str:
    return os.environ.get(f"TWO_NODES_{name}", default)


TMP = Path(os.environ["TWO_NODES_TMP"])
HTTPS_PORT = int(setting("HTTPS_PORT", "8950"))
HTTP_PORT = int(setting("HTTP_PORT", "8951"))
NODE_PORTS = {"A": int(setting("NODE_A_PORT", "8952")), "B": int(setting("NODE_B_PORT", "8953"))}
SMTP_PORT = int(setting("SMTP_PORT", "8960"))
S3_PORT = int(setting("S3_PORT", "9011"))
FAULT_REDIS_PORT = int(setting("FAULT_REDIS_PORT", "6398"))
FAULT_PG_PORT = int(setting("FAULT_PG_PORT", "5450"))
SHARED_PG = setting("PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
DATABASE = setting("DATABASE", "clinic_d_two_nodes")
SHARED_REDIS = setting("CACHE_URL", "redis://127.0.0.1:6379/12")
WORKERS_PER_NODE = setting("WEB_CONCURRENCY", "2")
SITE = f"https://{HOST}:{HTTPS_PORT}"
BUCKET = f"clinic-two-nodes-{secrets.token_hex(4)}"
S3_KEYS = {"AWS_ACCESS_KEY_ID": "two-nodes-access-key", "AWS_SECRET_ACCESS_KEY": "two-nodes-secret-key"}
# How long a request may take when the database is down or hung (the promise).
DATABASE_FAILS_WITHIN = 5.0
LIKES_ALLOWED = 24  # LIKES_RATE_LIMIT per client address and article, for every node at once

STARTED = time.monotonic()
CHECKS = 0


class Failed(Exception):
    pass


def say(message: str) -> None:
    print(f"two nodes [{time.monotonic() - STARTED:5.0f} s] {message}", flush=True)


def ok(message: str) -> None:
    global CHECKS
    CHECKS += 1
    say(f"ok: {message}")


def check(condition: bool, message: str) -> None:
    if not condition:
        raise Failed(message)


def wait_for(what: str, predicate, *, timeout: float, every: float = 0.25):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise Failed(f"{what}: not within {timeout:.0f} s")
        time.sleep(every)


# ---------------------------------------------------------------------------------------------
# Processes


class Processes:
    """Everything started here, each in its own session (process group), stopped in reverse order."""

    def __init__(self):
        self.running: dict[str, subprocess.Popen] = {}
        self.pgids = TMP / "pgids"

    def start(self, name: str, command: list[str], *, env=None, log: str | None = None) -> subprocess.Popen:
        out = open(TMP / (log or f"{name}.log"), "ab")  # noqa: SIM115 (kept open for the child)
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        out.close()
        self.running[name] = process
        with self.pgids.open("a") as pgids:
            pgids.write(f"{process.pid}\n")
        return process

    def stop(self, name: str, *, timeout: float = 15) -> None:
        process = self.running.pop(name, None)
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)
        # gunicorn's workers, or a forked child, may outlive the leader for a moment.
        for _ in range(50):
            try:
                os.killpg(process.pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
        else:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)

    def kill(self, name: str) -> None:
        """SIGKILL the whole process group at once: no worker finishes its request."""
        process = self.running.pop(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)

    def stop_all(self) -> None:
        for name in reversed(list(self.running)):
            self.stop(name)


PROCESSES = Processes()


def run(command: list[str], *, env=None, timeout: float = 300, **kwargs) -> str:
    result = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, **kwargs
    )
    if result.returncode != 0:
        raise Failed(f"{' '.join(command[:4])} ... failed:\n{result.stdout[-2000:]}{result.stderr[-3000:]}")
    return result.stdout


def port_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError:
            return False
    return True


# ---------------------------------------------------------------------------------------------
# A mail server that counts what it is given (and can be stopped, or made to hang)


class FakeSMTP:
    """SMTP on 127.0.0.1 that records each message it accepts (its Message-ID and subject).

    ``up``: answers at once (after ``delay`` seconds for each message's final dot); ``down``: the
    port is closed; ``hung``: connections are accepted and never answered.
    """

    def __init__(self, port: int):
        self.port = port
        self.mode = "down"
        self.delay = 0.0
        self.lock = threading.Lock()
        self.messages: list[tuple[str, str]] = []
        self.server = None
        self.changed = threading.Event()
        # Called with the sender's port after a message is taken and before the sender is told so.
        self.taken = None

    def deliveries(self, subject_prefix: str) -> list[str]:
        with self.lock:
            return [mid for mid, subject in self.messages if subject.startswith(subject_prefix)]

    def set(self, mode: str) -> None:
        if mode == "down" and self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None
        self.mode = mode
        self.changed.set()
        self.changed = threading.Event()
        if mode != "down" and self.server is None:
            smtp = self

            class Handler(socketserver.StreamRequestHandler):
                timeout = 30

                def handle(self):
                    smtp.converse(self)

            socketserver.ThreadingTCPServer.allow_reuse_address = True
            socketserver.ThreadingTCPServer.daemon_threads = True
            self.server = socketserver.ThreadingTCPServer((HOST, self.port), Handler)
            threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def converse(self, conn) -> None:
        while self.mode == "hung":  # accepted; not a byte is sent until the mode changes
            self.changed.wait(0.5)
        if self.mode != "up":
            return
        write = conn.wfile.write
        write(b"220 fake-smtp ready\r\n")
        while line := conn.rfile.readline():
            verb = line[:4].upper()
            if verb == b"EHLO":
                write(b"250-fake-smtp\r\n250 8BITMIME\r\n")
            elif verb in (b"HELO", b"MAIL", b"RCPT", b"RSET", b"NOOP"):
                write(b"250 ok\r\n")
            elif verb == b"DATA":
                write(b"354 go on\r\n")
                data = []
                while (part := conn.rfile.readline()) not in (b".\r\n", b""):
                    data.append(part[1:] if part.startswith(b"..") else part)
                if not part:
                    return  # the client went away before its final dot: nothing was handed over
                message = email.message_from_bytes(b"".join(data), policy=email.policy.default)
                if self.delay:
                    time.sleep(self.delay)
                with self.lock:
                    self.messages.append((str(message["Message-ID"]), str(message["Subject"])))
                if self.taken is not None:  # the message is the server's now; the sender has no answer yet
                    self.taken(conn.client_address[1])
                write(b"250 queued\r\n")
            elif verb == b"QUIT":
                write(b"221 bye\r\n")
                return
            else:
                write(b"502 not here\r\n")


# ---------------------------------------------------------------------------------------------
# HTTP, as a browser through nginx would send it


class Response:
    def __init__(self, status: int, headers, body: bytes, seconds: float):
        self.status, self.headers, self.body, self.seconds = status, headers, body, seconds

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def header(self, name: str) -> str:
        return self.headers.get(name, "")


class Browser:
    """One visitor: its own cookies, sent to node A or B directly (as nginx passes a request on) or
    to nginx itself ("lb"). Cookies are kept by hand: the site's are Secure, which http.cookiejar
    would not send on the plain connection to a node."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(
        self,
        where: str,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        headers: dict | None = None,
        timeout: float = 30,
    ) -> Response:
        sent = {"Host": f"{HOST}:{HTTPS_PORT}", "Accept-Encoding": "identity"}
        if where == "lb":
            context = ssl.create_default_context(cafile=str(TMP / "cert.pem"))
            connection = http.client.HTTPSConnection(HOST, HTTPS_PORT, timeout=timeout, context=context)
        else:
            connection = http.client.HTTPConnection(HOST, NODE_PORTS[where], timeout=timeout)
            sent |= {"X-Forwarded-Proto": "https", "X-Forwarded-For": HOST}
        if method == "POST":
            sent |= {"Origin": SITE, "Sec-Fetch-Site": "same-origin", "Referer": SITE + path}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        sent |= headers or {}
        began = time.monotonic()
        try:
            connection.request(method, path, body=body, headers=sent)
            answer = connection.getresponse()
            data = answer.read()
        finally:
            connection.close()
        seconds = time.monotonic() - began
        for header in answer.headers.get_all("Set-Cookie") or ():
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or (morsel["expires"] and "1970" in morsel["expires"]):
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return Response(answer.status, answer.headers, data, seconds)

    def get(self, where: str, path: str, **kwargs) -> Response:
        return self.request(where, "GET", path, **kwargs)

    def post(self, where: str, path: str, fields: dict, **kwargs) -> Response:
        body = urllib.parse.urlencode(fields).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded", **kwargs.pop("headers", {})}
        return self.request(where, "POST", path, body=body, headers=headers, **kwargs)

    def post_file(
        self, where: str, path: str, *, field: str, name: str, content: bytes, csrf: str
    ) -> Response:
        boundary = uuid.uuid4().hex
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{name}"\r\n'
                f"Content-Type: image/png\r\n\r\n"
            ).encode()
            + content
            + f"\r\n--{boundary}--\r\n".encode()
        )
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", "X-CSRFToken": csrf}
        return self.request(where, "POST", path, body=body, headers=headers)


def hidden_fields(page: str) -> dict[str, str]:
    fields = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and 'type="hidden"' in tag:
            fields[html.unescape(name.group(1))] = html.unescape(value.group(1)) if value else ""
    return fields


def location(response: Response, *, query: bool = False) -> str:
    """Where a redirect points, as a path on this site."""
    parts = urllib.parse.urlsplit(response.header("Location"))
    return (parts.path or "/") + (f"?{parts.query}" if query and parts.query else "")


def sign_in(where: str, username: str, password: str, otp_key: bytes) -> Browser:
    """A staff member signed in on one node: password, then the authenticator app's code."""
    staff = Browser()
    form = staff.get(where, "/admin/login/?next=/admin/")
    check(form.status == 200, f"the login page answered {form.status} on node {where}")
    step = staff.post(
        where,
        "/admin/login/?next=/admin/",
        {
            **hidden_fields(form.text),
            "username": username,
            "password": password,
            "next": "/admin/",
        },
    )
    check(step.status == 302, f"{username}'s password step answered {step.status} on node {where}")
    code_path = location(staff.get(where, location(step)), query=True)  # /admin/ sends to the code
    check(
        code_path.startswith("/admin/sign-in/code/"), f"after the password, node {where} sent to {code_path}"
    )
    code_page = staff.get(where, code_path)
    check(code_page.status == 200, f"the second-factor page answered {code_page.status}")
    done = staff.post(
        where, code_path, {**hidden_fields(code_page.text), "otp_token": f"{totp(otp_key):06d}"}
    )
    check(done.status == 302, f"{username}'s second factor answered {done.status} on node {where}")
    check(staff.get(where, "/admin/").status == 200, f"{username} does not reach the admin on node {where}")
    return staff


# ---------------------------------------------------------------------------------------------
# The world: databases, cache, bucket, nginx, nodes, workers


class PostgresCluster:
    """A throwaway PostgreSQL cluster under TMP, on its own port, that this script stops and freezes."""

    def __init__(self, port: int):
        self.port = port
        self.data = TMP / "pg"
        self.bin = Path(run(["pg_config", "--bindir"]).strip()) if shutil.which("pg_config") else None
        versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
        if versions:
            self.bin = versions[-1]
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def init(self) -> None:
        self.data.mkdir()
        if self.as_owner:
            shutil.chown(self.data, "postgres", "postgres")
        run(
            [
                *self.as_owner,
                str(self.bin / "initdb"),
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
            ]
        )

    def start(self) -> None:
        PROCESSES.start(
            "postgres",
            [
                *self.as_owner,
                str(self.bin / "postgres"),
                "-D",
                str(self.data),
                "-p",
                str(self.port),
                "-c",
                f"listen_addresses={HOST}",
                "-c",
                f"unix_socket_directories={self.data}",
                "-c",
                "fsync=off",
            ],
        )
        wait_for("the throwaway PostgreSQL", self.answers, timeout=30)

    def answers(self) -> bool:
        try:
            psycopg.connect(self.url("postgres"), connect_timeout=1).close()
        except psycopg.OperationalError:
            return False
        return True

    def stop(self) -> None:
        PROCESSES.stop("postgres")

    def processes(self) -> list[int]:
        """The postmaster and its children (backends, checkpointer, ...), by PID."""
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        children = run(["pgrep", "-P", str(postmaster)]).split()
        return [postmaster, *map(int, children)]

    def url(self, database: str) -> str:
        return f"postgresql://postgres@{HOST}:{self.port}/{database}"


def database_url(admin_url: str, name: str) -> str:
    parts = urllib.parse.urlsplit(admin_url)
    return urllib.parse.urlunsplit(parts._replace(scheme="postgres", path=f"/{name}"))


def sql(url: str, query: str, params=()) -> list[tuple]:
    with psycopg.connect(url.replace("postgres://", "postgresql://", 1), connect_timeout=5) as connection:
        return connection.execute(query, params).fetchall()


class Site:
    """The environment every node and worker shares, and the nodes and workers themselves."""

    def __init__(self, *, database: str, cache: str, s3: str):
        self.database = database
        self.env = {
            **os.environ,
            "DJANGO_DEBUG": "false",
            "DJANGO_LOCAL_PREVIEW": "true",
            "DJANGO_SECRET_KEY": SECRET_KEY,
            "DJANGO_ALLOWED_HOSTS": f"{HOST},localhost",
            "DJANGO_TRUSTED_PROXIES": f"{HOST}/32",
            "SITE_URL": SITE,
            "DATABASE_URL": database,
            "CACHE_URL": cache,
            "AWS_STORAGE_BUCKET_NAME": BUCKET,
            "AWS_S3_ENDPOINT_URL": s3,
            "AWS_S3_REGION_NAME": "us-east-1",
            "AWS_S3_ADDRESSING_STYLE": "path",
            **S3_KEYS,
            "EMAIL_URL": f"smtp://{HOST}:{SMTP_PORT}",
            "DJANGO_DEFAULT_FROM_EMAIL": "clinic@pt.example",
            # Short waits, so that a retry, a dead worker's claim and a hung mail server show within
            # this run: the settings are the production ones, with smaller numbers.
            "EMAIL_TIMEOUT_SECONDS": "2",
            "MAIL_RETRY_SECONDS": "1",
            "MAIL_CLAIM_SECONDS": "10",
            "INQUIRIES_MIN_SECONDS": "1",
            "INQUIRIES_FALLBACK_USERNAME": "owner",
            # Pages stay cached for the whole run: only a retirement, never an expiry, can make a
            # rejected comment disappear from them.
            "BLOG_PAGE_CACHE_SECONDS": "3600",
            "LIKES_RATE_LIMIT": f"{LIKES_ALLOWED}/h",
            "WEB_CONCURRENCY": WORKERS_PER_NODE,
            "DJANGO_CACHE_DIR": str(TMP / "unused-file-cache"),
        }
        self.env.pop("DJANGO_CSRF_TRUSTED_ORIGINS", None)

    def manage(self, *args: str, timeout: float = 300) -> str:
        return run([PYTHON, "manage.py", *args], env=self.env, timeout=timeout)

    def node_env(self, node: str) -> dict:
        """A node's environment: the shared one, and its own copy of the static files, as on its own
        machine (collectstatic writes them on every start), and gunicorn's access log, off in `make serve`
        (nginx logs each request), on: the test counts which node answered from it."""
        return {
            **self.env,
            "DJANGO_STATIC_ROOT": str(TMP / f"static-{node}"),
            "GUNICORN_CMD_ARGS": "--access-logfile -",
        }

    def collect_static(self) -> list[subprocess.Popen]:
        """Each node's static files, collected in the background (the first time is the slow one)."""
        return [
            PROCESSES.start(
                f"collectstatic-{node}",
                [PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"],
                env=self.node_env(node),
            )
            for node in NODE_PORTS
        ]

    def start_nodes(self) -> None:
        started = {
            node: PROCESSES.start(
                f"node-{node}",
                ["make", "--no-print-directory", "serve", f"PORT={port}"],
                env=self.node_env(node),
            )
            for node, port in NODE_PORTS.items()
        }

        def answers(node: str) -> bool:
            if started[node].poll() is not None:
                log = (TMP / f"node-{node}.log").read_text(errors="replace")[-3000:]
                raise Failed(f"node {node} stopped before answering:\n{log}")
            with contextlib.suppress(OSError, http.client.HTTPException):
                return Browser().get(node, "/healthz", timeout=5).status == 200
            return False

        for node in NODE_PORTS:
            wait_for(
                f"node {node} on port {NODE_PORTS[node]}",
                lambda node=node: answers(node),
                timeout=180,
                every=0.5,
            )

    def stop_nodes(self) -> None:
        for node in NODE_PORTS:
            PROCESSES.stop(f"node-{node}")

    def start_worker(self, node: str) -> subprocess.Popen:
        return PROCESSES.start(
            f"worker-{node}", [PYTHON, "manage.py", "task_worker", "--no-reload"], env=self.env
        )

    def stop_workers(self) -> None:
        for node in NODE_PORTS:
            PROCESSES.stop(f"worker-{node}")

    def queue_mail(self, prefix: str, count: int, *, in_seconds: int = 0) -> None:
        """``count`` emails in the outbox, as the site queues them (post_office, in one transaction)."""
        self.manage(
            "shell",
            "-c",
            (
                "from datetime import timedelta\n"
                "from django.db import transaction\n"
                "from django.utils import timezone\n"
                "from post_office import mail\n"
                f"at = timezone.now() + timedelta(seconds={in_seconds}) if {in_seconds} else None\n"
                "with transaction.atomic():\n"
                f"    for i in range({count}):\n"
                f"        mail.send(['reader{{}}@example.org'.format(i)], 'clinic@pt.example',\n"
                f"                  subject='{prefix} {{}}'.format(i), message='Nothing private.',\n"
                "                  priority='medium', scheduled_time=at)\n"
            ),
        )

    def emails(self, prefix: str) -> dict[str, int]:
        rows = sql(
            self.database,
            "SELECT status, count(*) FROM post_office_email WHERE subject LIKE %s GROUP BY status",
            (prefix + " %",),
        )
        return {str(status): count for status, count in rows}


# ---------------------------------------------------------------------------------------------
# Part 1: two nodes


def article_with_comments(site: Site) -> tuple[int, str, int]:
    """(article id, slug, an approved top-level comment's id) of a published article."""
    rows = sql(
        site.database,
        """
        SELECT a.id, a.slug, c.id FROM blog_article a JOIN comments_comment c ON c.article_id = a.id
        WHERE a.status = 'published' AND a.language = 'en' AND c.status = 'approved' AND c.parent_id IS NULL
        ORDER BY a.id, c.id LIMIT 1""",
    )
    check(bool(rows), "the demo has no article with an approved comment")
    return rows[0]


def shows_comment(response: Response, comment_id: int) -> bool:
    return f'id="comment-{comment_id}"' in response.text


def check_health(label: str, *, cache: str) -> None:
    for node in NODE_PORTS:
        probe = Browser().get(node, "/healthz")
        check(
            probe.status == 200 and probe.text == f"database: ok\ncache: {cache}\n",
            f"{label}: /healthz on node {node} answered {probe.status} {probe.text!r}",
        )
    ok(f"{label}: /healthz 200 on A and B, database ok, cache {cache}")


def check_balancing() -> None:
    before = {node: node_log_count(node, "GET /robots.txt") for node in NODE_PORTS}
    for _ in range(10):
        check(Browser().get("lb", "/robots.txt").status == 200, "nginx did not pass /robots.txt on")
    # gunicorn writes its access line after the answer: give it a moment.
    time.sleep(0.5)
    counts = {node: node_log_count(node, "GET /robots.txt") - before[node] for node in NODE_PORTS}
    check(
        sum(counts.values()) == 10 and min(counts.values()) >= 3,
        f"nginx sent 10 requests as {counts}, not round the two nodes",
    )
    ok(f"nginx balances: 10 requests through it reached A {counts['A']} times and B {counts['B']} times")


def node_log_count(node: str, needle: str) -> int:
    path = TMP / f"node-{node}.log"
    return path.read_text(errors="replace").count(needle) if path.exists() else 0


def check_moderation(site: Site, moderator: Browser) -> None:
    _article_id, slug, comment_id = article_with_comments(site)
    page = f"/blog/{slug}/"
    # Both nodes have the page and its thread in the shared cache; the second request is served whole
    # from the page cache, the one with a query string renders the page around the cached thread.
    seen = 0
    for node in NODE_PORTS:
        for path in (page, page, page + "?from=two-nodes"):
            response = Browser().get(node, path)
            check(response.status == 200, f"{path} answered {response.status} on node {node}")
            seen += shows_comment(response, comment_id)
    check(seen == 6, f"comment {comment_id} was shown in {seen} of 6 responses before moderation")
    changelist = moderator.get("A", "/admin/comments/comment/")
    check(changelist.status == 200, f"the comments admin answered {changelist.status} on node A")
    rejected = moderator.post(
        "A",
        "/admin/comments/comment/",
        {
            "csrfmiddlewaretoken": hidden_fields(changelist.text)["csrfmiddlewaretoken"],
            "action": "reject_selected",
            "_selected_action": str(comment_id),
            "index": "0",
        },
    )
    check(rejected.status == 302, f"the reject action answered {rejected.status} on node A")
    status = sql(site.database, "SELECT status FROM comments_comment WHERE id = %s", (comment_id,))[0][0]
    check(status == "rejected", f"comment {comment_id} is {status!r} after the reject action")
    gone = 0
    for path in (page, page + "?from=two-nodes", page):
        response = Browser().get("B", path)
        check(response.status == 200, f"{path} answered {response.status} on node B")
        gone += not shows_comment(response, comment_id)
    through_lb = sum(not shows_comment(Browser().get("lb", page), comment_id) for _ in range(4))
    check(
        gone == 3 and through_lb == 4,
        f"after the rejection on A, B still showed comment {comment_id} ({gone}/3 without it, "
        f"{through_lb}/4 through nginx)",
    )
    ok(
        f"moderation: comment {comment_id} shown 6/6 before; rejected through A; gone from B's next 3 "
        f"responses (cached page, page around the cached thread) and from 4/4 through nginx"
    )


def like_count_shown(response: Response) -> int:
    match = re.search(r"(\d+) likes?</span>", response.text)
    check(match is not None, "the article page shows no like count")
    return int(match.group(1))


def send_like(slug: str, shown_by: str, sent_to: str) -> str:
    """One new browser: shown the article by one node, likes it through the other. Returns what it
    was told: "counted", "limited", "refused" or the status of an error."""
    reader = Browser()
    check(reader.get(shown_by, f"/blog/{slug}/").status == 200, "the article page did not open")
    answer = reader.post(sent_to, f"/blog/{slug}/like/", {})
    if answer.status != 303:
        return str(answer.status)
    told = reader.get(shown_by, location(answer)).text
    for word, phrase in (
        ("counted", "your like is counted"),
        ("limited", "many likes in a short time"),
        ("refused", "could not be counted"),
    ):
        if phrase in told:
            return word
    return "nothing said"


def article_likes(site: Site, slug: str) -> tuple[int, int]:
    """(like rows stored, the article's like_count column)."""
    return sql(
        site.database,
        """
        SELECT (SELECT count(*) FROM blog_articlelike l WHERE l.article_id = a.id), a.like_count
        FROM blog_article a WHERE a.slug = %s""",
        (slug,),
    )[0]


def published_slugs(site: Site) -> list[str]:
    # The English articles: their pages are under /blog/ (a Spanish one's is under /es/blog/).
    rows = sql(
        site.database,
        "SELECT slug FROM blog_article WHERE status = 'published' AND language = 'en' ORDER BY id",
    )
    check(len(rows) >= 3, "the demo has fewer than three published articles")
    return [slug for (slug,) in rows]


def check_likes(site: Site) -> None:
    slug = published_slugs(site)[1]
    stored_before, column_before = article_likes(site, slug)
    told = [send_like(slug, "AB"[i % 2], "BA"[i % 2]) for i in range(LIKES_ALLOWED)]
    stored, column = article_likes(site, slug)
    shown = like_count_shown(Browser().get("B", f"/blog/{slug}/"))
    counted = told.count("counted")
    check(
        counted == LIKES_ALLOWED
        and stored - stored_before == LIKES_ALLOWED
        and column - column_before == LIKES_ALLOWED
        and shown == column,
        f"likes: {LIKES_ALLOWED} posted, told {told}, {stored - stored_before} stored, "
        f"like_count +{column - column_before}, page shows {shown}",
    )
    ok(
        f"likes: {LIKES_ALLOWED} posted alternately to A and B = {counted} counted = "
        f"{stored - stored_before} stored; the page on B shows {shown}"
    )
    # The allowance is one count for every worker of both nodes: past it, nothing more is counted.
    over = [send_like(slug, "AB"[i % 2], "BA"[i % 2]) for i in range(4)]
    check(
        over == ["limited"] * 4 and article_likes(site, slug)[0] == stored,
        f"past LIKES_RATE_LIMIT={LIKES_ALLOWED}/h the nodes answered {over}",
    )
    ok(f"likes: 4 more past the shared limit of {LIKES_ALLOWED} = 4 refused = 0 stored")


def png(seed: int) -> bytes:
    image = Image.new("RGB", (48, 32), (seed % 256, 90, 160))
    for x in range(0, 48, 4):
        image.putpixel((x, x % 32), (255, 255, 255))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


MEDIA_HEADERS = (
    "Content-Type",
    "Content-Length",
    "X-Content-Type-Options",
    "Content-Security-Policy",
    "Cross-Origin-Resource-Policy",
    "Content-Disposition",
)


def check_upload(editor: Browser, s3) -> None:
    add_page = editor.get("A", "/admin/blog/article/add/")
    check(add_page.status == 200, f"the article editor answered {add_page.status} on node A")
    csrf = hidden_fields(add_page.text)["csrfmiddlewaretoken"]
    upload = editor.post_file(
        "A",
        "/admin/blog/article/upload-image/",
        field="upload",
        name="exercise.png",
        content=png(7),
        csrf=csrf,
    )
    check(upload.status == 200, f"the editor upload answered {upload.status} on node A: {upload.text[:300]}")
    answer = json.loads(upload.body)
    check(answer.get("uploaded") == 1, f"the editor upload said {answer}")
    url = answer["url"]
    check(url.startswith("/media/uploads/"), f"the upload's URL is {url}, not on our own /media/")
    served = {where: Browser().get(where, url) for where in ("A", "B", "lb")}
    for where, response in served.items():
        check(response.status == 200, f"{url} answered {response.status} through {where}")
    stored = s3.get_object(Bucket=BUCKET, Key=url.removeprefix("/media/"))["Body"].read()
    headers = {where: {name: r.header(name) for name in MEDIA_HEADERS} for where, r in served.items()}
    check(
        served["A"].body == served["B"].body == served["lb"].body == stored,
        "node A, node B, nginx and the bucket do not hold the same bytes",
    )
    check(headers["A"] == headers["B"] == headers["lb"], f"the media headers differ: {headers}")
    check(
        headers["B"]["X-Content-Type-Options"] == "nosniff"
        and "sandbox" in headers["B"]["Content-Security-Policy"],
        f"media headers: {headers['B']}",
    )
    ok(
        f"upload: {len(stored)} bytes uploaded through A's editor, served by B and nginx with the same "
        f"bytes as the bucket and the same headers ({headers['B']['Content-Type']}, nosniff, sandbox)"
    )


def holds_port(pid: int, port: int) -> bool:
    """Whether process ``pid`` has the TCP socket whose local port is ``port`` (Linux /proc)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError), open(table) as rows:
            for row in list(rows)[1:]:
                fields = row.split()
                if int(fields[1].rsplit(":", 1)[1], 16) == port:
                    inodes.add(f"socket:[{fields[9]}]")
    with contextlib.suppress(OSError):
        return any(os.readlink(f"/proc/{pid}/fd/{fd}") in inodes for fd in os.listdir(f"/proc/{pid}/fd"))
    return False


def delivered(site: "Site", smtp: FakeSMTP, prefix: str, count: int, *, timeout: float) -> list[str]:
    """Wait until ``count`` distinct messages of ``prefix`` arrived and all ``count`` emails are marked
    sent (an email whose sender died after handing it over arrives before it is marked, and is sent
    again once its claim expires); return every delivery, duplicates included."""
    wait_for(
        f"{count} emails '{prefix}' delivered and marked sent",
        lambda: len(set(smtp.deliveries(prefix))) >= count and site.emails(prefix) == {"0": count},
        timeout=timeout,
        every=0.5,
    )
    time.sleep(0.5)  # a late duplicate would show now
    return smtp.deliveries(prefix)


def check_mail_with_a_killed_worker(site: Site, smtp: FakeSMTP) -> None:
    prefix = f"two-nodes mail {secrets.token_hex(3)}"
    site.queue_mail(prefix, 100)
    workers = {node: site.start_worker(node) for node in NODE_PORTS}
    killed = threading.Event()
    killed_after = []
    handed_over_by_a = []

    def kill_a_mid_handover(port: int) -> None:
        # From the 30th message on, the first one worker A hands over: the mail server has it and
        # A dies before hearing so, the one case in which a message can arrive twice. A must have
        # finished a task before (a worker works one task at a time, so its second handover means
        # the first is done): when B started first and took the first 30, A had finished none.
        if killed.is_set() or not holds_port(workers["A"].pid, port):
            return
        handed_over_by_a.append(port)
        if len(smtp.deliveries(prefix)) < 30 or len(handed_over_by_a) < 2:
            return
        workers["A"].send_signal(signal.SIGKILL)
        workers["A"].wait(5)
        killed_after.append(len(smtp.deliveries(prefix)))
        killed.set()

    smtp.taken = kill_a_mid_handover
    wait_for("worker A killed mid-handover", killed.is_set, timeout=90, every=0.05)
    smtp.taken = None
    deliveries = delivered(site, smtp, prefix, 100, timeout=90)
    distinct = set(deliveries)
    states = site.emails(prefix)
    check(
        len(distinct) == 100 and len(deliveries) - len(distinct) <= 1 and states == {"0": 100},
        f"mail: 100 queued, {len(distinct)} distinct delivered in {len(deliveries)} deliveries, "
        f"states {states}",
    )
    check(workers["B"].poll() is None, "worker B stopped")
    finished = sql(
        site.database,
        "SELECT worker_ids->>-1, count(*) FROM django_tasks_database_dbtaskresult "
        "WHERE status = 'SUCCESSFUL' GROUP BY 1",
    )
    expired = sql(
        site.database,
        "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE exception_class_path LIKE %s",
        ("%ClaimExpired",),
    )[0][0]
    check(len(finished) == 2, f"mail: delivery tasks finished by {len(finished)} workers, not both")
    ok(
        f"mail: 100 queued, worker A killed (kill -9) while handing over message {killed_after[0]}; "
        f"100 distinct Message-IDs delivered in {len(deliveries)} deliveries "
        f"({len(deliveries) - 100} twice), 100 marked sent; tasks finished per worker "
        f"{sorted(count for _worker, count in finished)}, {expired} claim(s) of the dead worker taken back"
    )
    site.stop_workers()


def check_failover() -> None:
    """Node A lost (its gunicorn killed, as when its machine goes away): nginx sends readers to B."""
    PROCESSES.kill("node-A")
    before = node_log_count("B", '"GET / HTTP')
    pages = [Browser().get("lb", "/") for _ in range(10)]
    time.sleep(0.5)
    reached_b = node_log_count("B", '"GET / HTTP') - before
    check(
        all(page.status == 200 for page in pages) and reached_b == 10,
        f"node A killed: nginx answered {[page.status for page in pages]}, {reached_b} reached B",
    )
    ok("node A killed (kill -9 of its gunicorn): 10/10 pages through nginx answered 200, all by B")


# ---------------------------------------------------------------------------------------------
# Part 2: faults


def inquiry_forms(nodes: str) -> list[tuple[str, Browser, dict]]:
    """One new patient per node letter, each with the form opened (hidden fields read)."""
    forms = []
    for node in nodes:
        patient = Browser()
        page = patient.get(node, "/inquiries/new/")
        check(page.status == 200, f"the inquiry form answered {page.status} on node {node}")
        forms.append((node, patient, hidden_fields(page.text)))
    return forms


def send_inquiry(node: str, patient: Browser, fields: dict, n: int) -> tuple[Response, str | None]:
    """Post the form; returns the answer and the reference the patient was shown, if any."""
    answer = patient.post(
        node,
        "/inquiries/new/",
        {
            **fields,
            "name": f"Fault Test {n}",
            "email": f"patient{n}@example.org",
            "phone": "",
            "preferred_contact": "email",
            "location": "",
            "condition": "",
            "symptoms": "A stiff shoulder in the morning.",
            "duration": "a week",
            "treatments_tried": "",
            "consent": "on",
            "website": "",
            "article": "",
        },
        timeout=30,
    )
    if answer.status != 303:
        return answer, None
    thanks = patient.get(node, location(answer))
    match = re.search(r"INQ-[A-Z0-9]{4}-[A-Z0-9]{4}", thanks.text)
    return answer, match.group(0) if match else None


def inquiries_stored(site: Site) -> set[str]:
    return {reference for (reference,) in sql(site.database, "SELECT reference FROM inquiries_inquiry")}


def check_cache_down(site: Site, redis: "ThrowawayRedis") -> None:
    slugs = published_slugs(site)
    for node in NODE_PORTS:
        Browser().get(node, f"/blog/{slugs[0]}/")
    forms = inquiry_forms("ABAB")
    redis.stop()
    check_health("Redis stopped", cache="unreachable")
    pages = [
        Browser().get(node, path)
        for node in NODE_PORTS
        for path in ("/", f"/blog/{slugs[0]}/", f"/blog/{slugs[2]}/", "/blog/", "/locations/")
    ]
    check(
        all(page.status == 200 for page in pages),
        f"Redis stopped: pages answered {[page.status for page in pages]}",
    )
    check(max(page.seconds for page in pages) < 3, "Redis stopped: a page took 3 s or more")
    ok(
        f"Redis stopped: {len(pages)}/{len(pages)} pages served by A and B "
        f"(slowest {max(page.seconds for page in pages):.2f} s)"
    )
    slug = slugs[2]
    stored_before, _ = article_likes(site, slug)
    told = [send_like(slug, "AB"[i % 2], "BA"[i % 2]) for i in range(6)]
    stored = article_likes(site, slug)[0] - stored_before
    counted, refused = told.count("counted"), told.count("refused") + told.count("limited")
    check(
        counted + refused == 6 and stored == counted and counted,
        f"Redis stopped: 6 likes, told {told}, {stored} stored",
    )
    ok(
        f"Redis stopped: 6 likes posted = {counted} told counted and stored + {refused} told refused "
        f"and not stored"
    )
    time.sleep(1.1)  # INQUIRIES_MIN_SECONDS
    before = inquiries_stored(site)
    answers = [send_inquiry(node, patient, fields, n) for n, (node, patient, fields) in enumerate(forms)]
    shown = {reference for _answer, reference in answers if reference}
    new = inquiries_stored(site) - before
    refused = [answer.status for answer, reference in answers if not reference]
    # A refusal is allowed (and must then store nothing), but a form this script no longer fills in
    # right would refuse them all and prove nothing.
    check(
        new == shown and shown and all(status < 500 for status in refused),
        f"Redis stopped: inquiries answered {[a.status for a, _ in answers]}, references shown "
        f"{sorted(shown)}, stored {sorted(new)}",
    )
    ok(
        f"Redis stopped: {len(answers)} inquiries posted = {len(shown)} thanked with a reference and "
        f"stored + {len(refused)} refused and not stored"
    )
    redis.start()
    wait_for(
        "the cache back on both nodes",
        lambda: all(Browser().get(node, "/healthz").text.endswith("cache: ok\n") for node in NODE_PORTS),
        timeout=20,
    )
    ok("Redis back: /healthz on A and B reports the cache ok again")


def check_cache_hung(site: Site, redis: "ThrowawayRedis") -> None:
    """Redis frozen (SIGSTOP): it takes connections and never answers. Each process gives up after a
    second (socket timeouts) and leaves the cache alone for a few seconds."""
    slugs = published_slugs(site)
    pid = PROCESSES.running["redis"].pid
    os.kill(pid, signal.SIGSTOP)
    try:
        check_health("Redis hung", cache="unreachable")
        pages = [
            Browser().get(node, path) for node in NODE_PORTS for path in ("/", f"/blog/{slugs[1]}/", "/blog/")
        ]
        slow = max(page.seconds for page in pages)
        check(
            all(page.status == 200 for page in pages) and slow < 3,
            f"Redis hung: pages answered {[page.status for page in pages]}, slowest {slow:.1f} s",
        )
        ok(f"Redis hung: {len(pages)}/{len(pages)} pages served by A and B, slowest {slow:.2f} s")
    finally:
        os.kill(pid, signal.SIGCONT)
    wait_for(
        "the cache back on both nodes",
        lambda: all(Browser().get(node, "/healthz").text.endswith("cache: ok\n") for node in NODE_PORTS),
        timeout=20,
    )


def check_database_out(site: Site, cluster: PostgresCluster, smtp: FakeSMTP, *, how: str) -> None:
    """The database stopped ("down") or frozen ("hung") for a while, and back."""
    slugs = published_slugs(site)
    cached = f"/blog/{slugs[0]}/"
    for node in NODE_PORTS:
        for _ in range(2):
            check(Browser().get(node, cached).status == 200, "the article did not open")
    forms = inquiry_forms("AB")
    reader = Browser()
    reader.get("A", f"/blog/{slugs[2]}/")
    likes_before = article_likes(site, slugs[2])[0]
    inquiries_before = inquiries_stored(site)
    prefix = f"two-nodes db-{how} {secrets.token_hex(3)}"
    site.queue_mail(prefix, 10, in_seconds=3)  # due while the database is away
    time.sleep(1.1)  # INQUIRIES_MIN_SECONDS
    frozen = []
    if how == "down":
        cluster.stop()
    else:
        frozen = cluster.processes()
        for pid in frozen:
            os.kill(pid, signal.SIGSTOP)
    began = time.monotonic()
    try:
        # Each node gets as many requests at a time as it has gunicorn workers (sync workers: one
        # request each; more would wait in line behind a worker that waits for the database).
        jobs = {node: [] for node in NODE_PORTS}
        for node in NODE_PORTS:
            jobs[node].append(("probe", lambda node=node: Browser().get(node, "/healthz", timeout=20)))
            jobs[node] += [("page", lambda node=node: Browser().get(node, cached, timeout=20))] * 3
            for path in ("/locations/", f"{cached}?uncached=1"):
                jobs[node].append(
                    ("failing", lambda node=node, path=path: Browser().get(node, path, timeout=20))
                )
        for n, (node, patient, fields) in enumerate(forms):
            jobs[node].append(("failing", lambda a=(node, patient, fields, 100 + n): send_inquiry(*a)[0]))
        jobs["B"].append(("failing", lambda: reader.post("B", f"/blog/{slugs[2]}/like/", {}, timeout=20)))
        pools = {node: ThreadPoolExecutor(max_workers=int(WORKERS_PER_NODE)) for node in NODE_PORTS}
        futures = [(kind, pools[node].submit(job)) for node in NODE_PORTS for kind, job in jobs[node]]
        answers = [(kind, future.result()) for kind, future in futures]
        for pool in pools.values():
            pool.shutdown()
        probes = [response for kind, response in answers if kind == "probe"]
        pages = [response for kind, response in answers if kind == "page"]
        failing = [response for kind, response in answers if kind == "failing"]
        check(
            all(p.status == 503 and p.text.startswith("database: unreachable") for p in probes),
            f"database {how}: /healthz answered {[(p.status, p.text) for p in probes]}",
        )
        check(
            all(page.status == 200 for page in pages),
            f"database {how}: the cached article answered {[p.status for p in pages]}",
        )
        slow = max(response.seconds for response in [*probes, *pages, *failing])
        check(
            all(r.status == 503 and "it was not saved" in r.text for r in failing),
            f"database {how}: uncached pages and posts answered {[r.status for r in failing]}",
        )
        check(slow <= DATABASE_FAILS_WITHIN, f"database {how}: a request took {slow:.1f} s")
        ok(
            f"database {how}: /healthz 503 on A and B; {len(pages)}/{len(pages)} cached article pages "
            f"served; {len(failing)}/{len(failing)} uncached pages, inquiries and likes answered with the "
            f"503 page, slowest {slow:.1f} s (limit {DATABASE_FAILS_WITHIN:.0f} s)"
        )
        # Let the mail fall due while the workers cannot reach the database.
        time.sleep(max(0.0, 6 - (time.monotonic() - began)))
    finally:
        if how == "down":
            cluster.start()
        else:
            for pid in frozen:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGCONT)
    away = time.monotonic() - began
    wait_for(
        "/healthz 200 again",
        lambda: all(Browser().get(node, "/healthz").status == 200 for node in NODE_PORTS),
        timeout=20,
    )
    check(
        inquiries_stored(site) == inquiries_before and article_likes(site, slugs[2])[0] == likes_before,
        f"database {how}: something refused with the 503 page was stored",
    )
    ok(f"database {how}: back after {away:.0f} s; of {len(forms)} inquiries and 1 like refused, 0 stored")
    deliveries = delivered(site, smtp, prefix, 10, timeout=90)
    check(
        site.emails(prefix) == {"0": 10} and len(deliveries) - len(set(deliveries)) <= len(NODE_PORTS),
        f"database {how}: deliveries {len(deliveries)}, states {site.emails(prefix)}",
    )
    check(
        all(PROCESSES.running[f"worker-{node}"].poll() is None for node in NODE_PORTS),
        f"database {how}: a mail worker stopped",
    )
    ok(
        f"database {how}: both mail workers waited; 10 emails due during the outage delivered after it "
        f"({len(deliveries)} deliveries, {len(set(deliveries))} Message-IDs), 10 marked sent"
    )


def check_mail_server_out(site: Site, smtp: FakeSMTP, *, how: str) -> None:
    prefix = f"two-nodes smtp-{how} {secrets.token_hex(3)}"
    smtp.set(how)
    site.queue_mail(prefix, 10)
    time.sleep(5)
    early = len(smtp.deliveries(prefix))
    states = site.emails(prefix)
    tries = sql(
        site.database,
        "SELECT count(*) FROM post_office_log l JOIN post_office_email e "
        "ON e.id = l.email_id WHERE e.subject LIKE %s AND l.status = 1",
        (prefix + " %",),
    )[0][0]
    check(
        early == 0 and tries > 0 and states.get("0", 0) == 0,
        f"mail server {how}: {early} delivered, {tries} failed attempts logged, states {states}",
    )
    smtp.set("up")
    deliveries = delivered(site, smtp, prefix, 10, timeout=90)
    check(
        site.emails(prefix) == {"0": 10} and len(deliveries) == 10,
        f"mail server {how}: {len(deliveries)} deliveries after it came back, states {site.emails(prefix)}",
    )
    ok(
        f"mail server {how}: 10 queued, 0 delivered and {tries} failed attempts logged in 5 s; "
        f"back up: 10 delivered once each, 10 marked sent"
    )


class ThrowawayRedis:
    def __init__(self, port: int):
        self.port = port

    def start(self) -> None:
        PROCESSES.start(
            "redis",
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                HOST,
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(TMP),
            ],
        )
        wait_for("the throwaway redis-server", self.answers, timeout=15)

    def answers(self) -> bool:
        with contextlib.suppress(OSError), socket.create_connection((HOST, self.port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
        return False

    def stop(self) -> None:
        PROCESSES.stop("redis")


# ---------------------------------------------------------------------------------------------


def start_nginx() -> None:
    run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            f"/CN={HOST}",
            "-addext",
            f"subjectAltName=IP:{HOST}",
            "-keyout",
            str(TMP / "key.pem"),
            "-out",
            str(TMP / "cert.pem"),
        ]
    )
    run(
        [
            "python3",
            ".ci/nginx_site.py",
            "render",
            str(TMP / "clinic.conf"),
            "--tmp",
            str(TMP),
            "--http-port",
            str(HTTP_PORT),
            "--https-port",
            str(HTTPS_PORT),
            *[part for port in NODE_PORTS.values() for part in ("--app", f"{HOST}:{port}")],
        ]
    )
    (TMP / "nginx.conf").write_text(f"""\
worker_processes 1;
pid {TMP}/nginx.pid;
error_log {TMP}/error.log warn;
daemon off;
events {{ worker_connections 256; }}
http {{
    client_body_temp_path {TMP}/body;
    proxy_temp_path {TMP}/proxy;
    fastcgi_temp_path {TMP}/fastcgi;
    uwsgi_temp_path {TMP}/uwsgi;
    scgi_temp_path {TMP}/scgi;
    include {TMP}/clinic.conf;
}}
""")
    args = ["nginx", "-p", str(TMP), "-e", str(TMP / "error.log"), "-c", str(TMP / "nginx.conf")]
    run([*args, "-t", "-q"])
    PROCESSES.start("nginx", args)


def otp_keys(site: Site, *usernames: str) -> dict[str, bytes]:
    import base64

    keys = {}
    for line in site.manage("mfa_totp", "--if-missing", *usernames).splitlines():
        username, _, uri = line.partition(": ")
        secret = urllib.parse.parse_qs(urllib.parse.urlsplit(uri).query)["secret"][0]
        keys[username] = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return keys


SECRET_KEY = secrets.token_urlsafe(50)


def main() -> int:
    for port in (
        HTTPS_PORT,
        HTTP_PORT,
        *NODE_PORTS.values(),
        SMTP_PORT,
        S3_PORT,
        FAULT_REDIS_PORT,
        FAULT_PG_PORT,
    ):
        check(port_free(port), f"port {port} is taken: set the TWO_NODES_*_PORT variables")
    TMP.chmod(0o755)  # nginx's workers (an unprivileged user when started by root) read the certificate

    say(f"the S3 server (moto_server) on {HOST}:{S3_PORT}, bucket {BUCKET}")
    s3_url = f"http://{HOST}:{S3_PORT}"
    PROCESSES.start("moto", [str(ROOT / ".venv/bin/moto_server"), "-H", HOST, "-p", str(S3_PORT)])
    s3 = boto3.client(
        "s3",
        endpoint_url=s3_url,
        region_name="us-east-1",
        aws_access_key_id=S3_KEYS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=S3_KEYS["AWS_SECRET_ACCESS_KEY"],
    )
    wait_for("moto_server", lambda: not port_free(S3_PORT), timeout=30)
    s3.create_bucket(Bucket=BUCKET)

    smtp = FakeSMTP(SMTP_PORT)
    smtp.set("up")
    shared_db = database_url(SHARED_PG, DATABASE)
    say(f"a fresh database {DATABASE} on the shared PostgreSQL; Redis {SHARED_REDIS} (flushed first)")
    with psycopg.connect(SHARED_PG, autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{DATABASE}"')
    (TMP / "database").write_text(DATABASE)  # for the shell's trap, should this script not get to it
    import redis as redis_client

    redis_client.Redis.from_url(SHARED_REDIS).flushdb()
    site = Site(database=shared_db, cache=SHARED_REDIS, s3=s3_url)
    password = secrets.token_urlsafe(16)
    say("migrate and seed_demo (accounts, articles, comments, pictures into the bucket)")
    collecting = site.collect_static()
    site.manage("migrate", "--noinput", "-v", "0")
    # One argument with "=": a random password may begin with "-", which argparse takes for an option.
    site.manage("seed_demo", f"--staff-password={password}")
    keys = otp_keys(site, "moderator", "editor")
    for process in collecting:
        check(process.wait(300) == 0, "collectstatic failed (see collectstatic-*.log)")

    say(
        f"nginx (deploy/nginx/clinic.conf with cluster.conf's upstream) on {SITE} in front of "
        f"node A on :{NODE_PORTS['A']} and node B on :{NODE_PORTS['B']}, {WORKERS_PER_NODE} workers each"
    )
    start_nginx()
    site.start_nodes()

    say("part 1: two nodes, one database, one cache, one bucket")
    check_health("both nodes", cache="ok")
    check_balancing()
    moderator = sign_in("A", "moderator", password, keys["moderator"])
    check_moderation(site, moderator)
    check_likes(site)
    editor = sign_in("A", "editor", password, keys["editor"])
    check_upload(editor, s3)
    check_mail_with_a_killed_worker(site, smtp)
    check_failover()
    site.stop_nodes()

    say("part 2: faults, the nodes on a throwaway PostgreSQL cluster and a throwaway redis-server")
    cluster = PostgresCluster(FAULT_PG_PORT)
    cluster.init()
    cluster.start()
    dump = TMP / "shared.dump"
    run(
        [
            "pg_dump",
            "--format=custom",
            "--no-owner",
            f"--file={dump}",
            shared_db.replace("postgres://", "postgresql://", 1),
        ]
    )
    with psycopg.connect(cluster.url("postgres"), autocommit=True) as admin:
        admin.execute('CREATE DATABASE "clinic"')
    run(["pg_restore", "--no-owner", f"--dbname={cluster.url('clinic')}", str(dump)])
    redis = ThrowawayRedis(FAULT_REDIS_PORT)
    redis.start()
    site = Site(
        database=database_url(cluster.url("postgres"), "clinic"),
        cache=f"redis://{HOST}:{FAULT_REDIS_PORT}/0",
        s3=s3_url,
    )
    site.start_nodes()
    for node in NODE_PORTS:
        site.start_worker(node)
    check_health("throwaway services", cache="ok")
    # The database first: after a cache outage each worker retires the pages it could not retire
    # during it, so the cached pages these tests need would have to be made again.
    check_database_out(site, cluster, smtp, how="down")
    check_database_out(site, cluster, smtp, how="hung")
    check_cache_down(site, redis)
    check_cache_hung(site, redis)
    check_mail_server_out(site, smtp, how="down")
    check_mail_server_out(site, smtp, how="hung")
    say(f"all {CHECKS} checks passed in {time.monotonic() - STARTED:.0f} s")
    return 0


def cleanup() -> None:
    PROCESSES.stop_all()
    with (
        contextlib.suppress(Exception),
        psycopg.connect(SHARED_PG, autocommit=True, connect_timeout=5) as admin,
    ):
        admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    with contextlib.suppress(Exception):
        import redis as redis_client

        redis_client.Redis.from_url(SHARED_REDIS).flushdb()


def _terminate(signum, frame):
    # Once: a second signal during the clean-up below must not cut it short.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise KeyboardInterrupt


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _terminate)
    try:
        status = main()
    except Failed as failure:
        say(f"FAILED: {failure}")
        for log in sorted(TMP.glob("*.log")):
            print(f"--- last lines of {log.name}", flush=True)
            print("\n".join(log.read_text(errors="replace").splitlines()[-15:]), flush=True)
        status = 1
    except KeyboardInterrupt:
        say("interrupted")
        status = 130
    finally:
        cleanup()
    sys.exit(status)

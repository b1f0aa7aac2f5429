"""Benchmark the article page against the physical limit of this machine (`make bench`).

1. seeds a benchmark database (``manage.py migrate`` then ``seed_demo --comments 200``),
2. starts the site in production mode (``make serve PORT=<port>``) and waits until it answers,
3. counts its SQL queries per request (Django's test client in a child process, with
   CaptureQueriesContext, against the same database: no production code is involved), then
   fetches the article page once: its HTML and its page weight (HTML + linked CSS + JS,
   gzip-compressed bytes as served),
4. loads it with wrk (2 threads, 32 connections, 15 s, --latency),
5. serves the very same HTML as a static file through nginx (2 workers, gzip on, and a gzip copy
   made once for gzip_static, as a deployment would) and loads that too,
6. prints both throughputs, their ratio, p50/p99 latency, queries per page and page weight.

Everything it starts runs in its own process group and is stopped on exit, Ctrl-C or error.
All traffic stays on 127.0.0.1. Standard library only. Settings come from the environment:

  BENCH_PORT (8100)            port of the Django server
  BENCH_STATIC_PORT (8180)     port of nginx
  BENCH_SERVER_CMD             shell command starting the site; ``{port}`` is replaced
                               (default: ``make serve PORT={port}``)
  BENCH_SIZE                   small (the demo plus 200 comments), medium (1,000 articles, 20,000
                               comments, 5,000 inquiries) or large (10,000, 200,000, 50,000): seeds
                               with ``manage.py seed_bench --size`` (in bulk, up to the size: a
                               second run on the same DATABASE_URL adds nothing) instead of the default
  BENCH_SEED_CMD               shell command seeding the database; ``{python}`` is replaced
                               (default: ``{python} manage.py seed_demo --comments 200``; empty: no seeding)
  BENCH_ARTICLE_PATH           the page to load (default: the published article with most comments)
  BENCH_PAGES                  several pages instead, each against nginx serving its own HTML, in a
                               table at the end and var/bench/pages.json: comma-separated paths, or
                               "public" for every public page (articles in both languages, home,
                               lists, conditions, locations, team, privacy, feed, sitemap, the
                               inquiry form), the article for a browser that liked it (a real like
                               on the running site), a search over 1,000 different words from the
                               articles, common to rare (twice: each word's first search, once
                               each, 32 at a time from Python threads; then wrk, each request the
                               next word, as readers repeat them), and the
                               admin's comment and inquiry lists as a signed-in staff member
                               (password and authenticator app); "admin" for those two alone;
                               BENCH_DURATION=5s keeps it to a few minutes
  BENCH_DURATION (15s), BENCH_CONNECTIONS (32), BENCH_THREADS (2), BENCH_WARMUP (3s)
  BENCH_COOKIE                 a Cookie header sent with every request to the site: a returning
                               reader, with the cookies the site gave a browser (empty: none)
  BENCH_FORWARDED_PROTO (https) sent as X-Forwarded-Proto on every request, as the TLS-terminating
                               proxy in front of gunicorn does in production (empty: not sent)
  DATABASE_URL                 default: a separate SQLite file, var/bench/db.sqlite3
  DJANGO_SECRET_KEY            default: a random one for this run
  DJANGO_LOCAL_PREVIEW (true)  console mail and the http:// loopback SITE_URL, with DEBUG off
  INQUIRIES_FALLBACK_USERNAME (owner)  the account seed_demo makes; required with DEBUG off
  CACHE_URL, WEB_CONCURRENCY   passed on to make serve (the machine's file cache and 2 workers unless set)

Run it as ``make bench`` or ``.venv/bin/python tests/bench/run_bench.py``.
"""

import contextlib
import gzip
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

ROOT = Path(__file__).resolve().parents[2]
BENCH_DIR = ROOT / "var" / "bench"
HOST = "127.0.0.1"
WRK = shutil.which("wrk") or "/usr/bin/wrk"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def setting(name, default):
    return os.environ.get(name, default)


def log(message):
    print(f"[bench] {message}", flush=True)


class BenchError(RuntimeError):
    pass


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # a redirect is an answer to report, not to follow


OPENER = urllib.request.build_opener(NoRedirect)


def request_headers():
    """Headers of every benchmark request: gzip, like a browser, and the proxy's X-Forwarded-Proto."""
    headers = {"Accept-Encoding": "gzip"}
    proto = setting("BENCH_FORWARDED_PROTO", "https")
    if proto:
        headers["X-Forwarded-Proto"] = proto
    cookie = setting("BENCH_COOKIE", "")
    if cookie:  # a returning reader: the cookies the site gave a browser (the like cookie, say)
        headers["Cookie"] = cookie
    return headers


# ---------------------------------------------------------------------------------------------
# Processes


class Processes:
    """Processes started by the benchmark, each in its own session, stopped in reverse order."""

    def __init__(self):
        self.started = []

    def start(self, command, *, shell=False, env=None, log_path=None, cwd=ROOT):
        out = open(log_path, "wb") if log_path else subprocess.DEVNULL  # noqa: SIM115
        process = subprocess.Popen(
            command,
            shell=shell,
            cwd=cwd,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.started.append(process)
        return process

    def stop(self, process, timeout=10):
        if process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)

    def stop_all(self):
        while self.started:
            self.stop(self.started.pop())


def port_in_use(port):
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((HOST, port)) == 0


def wait_until_answers(url, process, timeout=90, log_path=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = Path(log_path).read_text(errors="replace")[-3000:] if log_path else ""
            raise BenchError(f"the server exited with status {process.returncode} before answering\n{tail}")
        try:
            with OPENER.open(urllib.request.Request(url, headers=request_headers()), timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers, even if not with 200
        except OSError:
            time.sleep(0.3)
    raise BenchError(f"{url} did not answer within {timeout}s")


# ---------------------------------------------------------------------------------------------
# The page: HTML, assets, weight


class AssetFinder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.assets = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and "stylesheet" in (attrs.get("rel") or "").split() and attrs.get("href"):
            self.assets.append(attrs["href"])
        elif tag == "script" and attrs.get("src"):
            self.assets.append(attrs["src"])


def fetch(url, *, cookie="", data=None):
    """(status, headers, compressed bytes on the wire, decoded body) with Accept-Encoding: gzip;
    ``cookie`` replaces BENCH_COOKIE's, ``data`` makes it a POST."""
    sent = request_headers() | ({"Cookie": cookie} if cookie else {})
    request = urllib.request.Request(url, headers=sent, data=data)
    try:
        with OPENER.open(request, timeout=30) as response:
            status, headers, raw = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, headers, raw = error.code, error.headers, error.read()
    body = gzip.decompress(raw) if headers.get("Content-Encoding") == "gzip" else raw
    return status, headers, raw, body


def cookies_set(headers):
    """name=value of each cookie a response sets (an emptied one left out)."""
    pairs = (header.split(";", 1)[0].split("=", 1) for header in headers.get_all("Set-Cookie") or [])
    return {name.strip(): value for name, value in pairs if value.strip('"')}


def liking_browser_cookie(article_url):
    """The Cookie header of a browser that opened the article and liked it, as the site set it; the
    flash message the like leaves is read once by the next page, so a returning reader has none."""
    status, headers, _raw, _body = fetch(article_url)
    jar = cookies_set(headers)
    cookie = "; ".join(f"{name}={value}" for name, value in jar.items())
    status, headers, _raw, _body = fetch(urljoin(article_url, "like/"), cookie=cookie, data=b"")
    if status != 303:
        raise BenchError(f"liking {article_url} answered {status}, not 303")
    jar |= cookies_set(headers)
    jar.pop("messages", None)
    return "; ".join(f"{name}={value}" for name, value in jar.items())


def measure_page(url):
    status, headers, raw, html = fetch(url)
    if status != 200:
        location = headers.get("Location", "")
        hint = " (a redirect: see BENCH_FORWARDED_PROTO)" if location else ""
        raise BenchError(f"{url} answered {status} {location}, not 200{hint}")
    finder = AssetFinder()
    finder.feed(html.decode("utf-8", errors="replace"))
    items = [
        {
            "url": url,
            "kind": "html",
            "status": status,
            "encoding": headers.get("Content-Encoding", "identity"),
            "bytes": len(raw),
            "raw_bytes": len(html),
        }
    ]
    for href in finder.assets:
        asset_url = urljoin(url, href)
        kind = "js" if href.split("?")[0].endswith(".js") else "css"
        if urlsplit(asset_url).netloc != urlsplit(url).netloc:
            items.append(
                {"url": asset_url, "kind": kind, "status": "other host!", "bytes": 0, "raw_bytes": 0}
            )
            continue
        a_status, a_headers, a_raw, a_body = fetch(asset_url)
        items.append(
            {
                "url": asset_url,
                "kind": kind,
                "status": a_status,
                "encoding": a_headers.get("Content-Encoding", "identity"),
                "cache_control": a_headers.get("Cache-Control", ""),
                "bytes": len(a_raw),
                "raw_bytes": len(a_body),
            }
        )
    return html, items


# ---------------------------------------------------------------------------------------------
# Queries per page, counted in a child process with Django's test client (same env, same database)


def count_queries_child(path):
    """Runs in the child: prints JSON with the article path and the queries of a cold and a warm request."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic_site.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    if not path:
        path = default_article_path()
    extra = {"HTTP_HOST": HOST}
    proto = os.environ.get("BENCH_FORWARDED_PROTO", "https")
    if proto:
        extra["HTTP_X_FORWARDED_PROTO"] = proto
    if os.environ.get("BENCH_COOKIE"):  # the returning reader's cookies, as wrk sends them
        extra["HTTP_COOKIE"] = os.environ["BENCH_COOKIE"]
    client = Client(**extra)
    counts = []
    for _ in range(2):  # cold cache, then warm
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        counts.append({"status": response.status_code, "queries": len(queries.captured_queries)})
    print(json.dumps({"path": path, "cold": counts[0], "warm": counts[1]}))


def default_article_path():
    from django.core.exceptions import FieldError
    from django.db.models import Count

    from blog.models import Article

    articles = Article.objects.published()
    try:
        articles = articles.annotate(n_comments=Count("comments")).order_by("-n_comments", "pk")
    except FieldError:  # before comments exist
        articles = articles.order_by("pk")
    article = articles.first()
    if article is None:
        raise SystemExit("no published article: seed the database first (BENCH_SEED_CMD)")
    return article.get_canonical_url()


def search_words(count):
    """Up to ``count`` different words drawn from the published English articles, from the most
    common to the rarest: the words ranked by how many articles hold them, taken at even steps."""
    from django.utils.html import strip_tags

    from blog.models import Article

    holders = {}
    articles = Article.objects.published().filter(language="en").order_by("-published_at")
    for title, summary, body in articles.values_list("title", "summary", "body")[:3000]:
        words = set(re.findall(r"[a-z]{4,}", f"{title} {summary} {strip_tags(body)}".lower()))
        for word in words:
            holders[word] = holders.get(word, 0) + 1
    ranked = sorted(holders, key=lambda word: (-holders[word], word))
    step = max(1, len(ranked) / count)
    return [ranked[int(index * step)] for index in range(min(count, len(ranked)))]


def public_pages_child():
    """Runs in the child: prints JSON with the paths of every public page to measure
    (``BENCH_PAGES=public``), found in the benchmark database."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic_site.settings")
    import django

    django.setup()
    from django.urls import reverse
    from django.utils import translation

    from blog.models import Article, Condition
    from clinic_site.models import Clinician, Location

    article = default_article_path()
    # A returning reader: the article page with the cookie the site gives a browser that likes it
    # (bench_pages gets a real one, liking the article on the running site).
    pages = {"article": article, "article, a reader who liked it": {"paths": [article], "liked": True}}
    spanish = Article.objects.published().filter(language="es").first()
    if spanish is not None:
        pages["article (es)"] = spanish.get_canonical_url()
    with translation.override("en"):
        pages |= {
            "home": reverse("home"),
            "blog list": reverse("blog:article_list"),
            "blog list, page 2": reverse("blog:article_list") + "?page=2",
            "conditions": reverse("blog:condition_list"),
            "a condition": Condition.objects.first().get_absolute_url(),
            "locations": reverse("locations"),
            "a location": Location.objects.first().get_absolute_url(),
            "team": reverse("team"),
            "a clinician": Clinician.objects.on_team_page().first().get_absolute_url(),
            "privacy": reverse("privacy"),
            "feed": reverse("blog:feed"),
            "sitemap": reverse("sitemap"),
            "inquiry form": reverse("inquiries:new"),
        }
        words = search_words(1000)
        pages[f"search, {len(words):,} words"] = [
            reverse("blog:article_list") + "?" + urlencode({"q": word}) for word in words
        ]
    with translation.override("es"):
        pages |= {"home (es)": reverse("home"), "blog list (es)": reverse("blog:article_list")}
    published = Article.objects.published().count()
    if published <= 10:
        pages.pop("blog list, page 2")
    if published > 1000:
        pages["blog list, page 100"] = pages["blog list"] + "?page=100"
    # The last page of the longest thread (seed_bench gives one article a tenth of the comments).
    from django.conf import settings
    from django.db.models import Count, Q

    longest = (
        Article.objects.published()
        .annotate(roots=Count("comments", filter=Q(comments__parent=None, comments__status="approved")))
        .order_by("-roots")
        .first()
    )
    last_page = max(1, -(-longest.roots // settings.COMMENTS_PER_PAGE))
    if last_page > 1:
        pages["a long thread, last page"] = f"{longest.get_canonical_url()}?cpage={last_page}"
    # The two long lists staff work in, as a signed-in staff member (bench_pages signs one in), two
    # connections at a time: a few people at work, not 32 requests queued behind each other.
    for name, url in (
        ("admin: comments list", reverse("admin:comments_comment_changelist")),
        ("admin: inquiries list", reverse("admin:inquiries_inquiry_changelist")),
    ):
        pages[name] = {"paths": [url], "staff": True, "connections": 2}
    print(json.dumps(pages))


def staff_session_child():
    """Runs in the child: signs the demo's owner (a superuser) in as the admin's sign-in does, the
    password step then the authenticator app (``django_otp.login``), in a session of the site's
    session engine; prints the Cookie header that carries it."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic_site.settings")
    import django

    django.setup()
    from importlib import import_module

    import django_otp
    from django.conf import settings
    from django.contrib.auth import get_user_model, login
    from django.contrib.auth.models import AnonymousUser
    from django.core.management import call_command
    from django.test import RequestFactory
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from clinic_site.signin import devices

    users = get_user_model().objects
    if not users.filter(username="owner", is_superuser=True, is_active=True).exists():
        # The demo's staff accounts, with a password nobody will type.
        call_command("seed_demo", staff_password=secrets.token_urlsafe(24), stdout=open(os.devnull, "w"))  # noqa: SIM115
    user = users.get(username="owner")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or devices.add_app(user)
    request = RequestFactory().get("/admin/", REMOTE_ADDR=HOST)
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    request.user = AnonymousUser()  # as the middleware leaves it; login() then sets the user
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    django_otp.login(request, device)
    request.session.save()
    print(json.dumps({"cookie": f"{settings.SESSION_COOKIE_NAME}={request.session.session_key}"}))


def staff_cookie(env):
    command = [sys.executable, __file__, "--staff-session"]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise BenchError(f"signing a staff member in failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])["cookie"]


def count_queries(env, path):
    command = [sys.executable, __file__, "--count-queries", path or ""]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise BenchError(f"counting queries failed:\n{result.stderr[-3000:]}{result.stdout[-1000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------------------------
# wrk

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def to_ms(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS[unit]


def parse_wrk(output):
    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))}
    for percentile in ("50", "99"):
        match = re.search(rf"^\s+{percentile}(?:\.000)?%\s+([\d.]+\w+)", output, re.MULTILINE)
        result[f"p{percentile}_ms"] = to_ms(match.group(1)) if match else None
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    result["non_2xx"] = int(non_2xx.group(1)) if non_2xx else 0
    errors = re.search(r"Socket errors:(.*)", output)
    result["socket_errors"] = errors.group(1).strip() if errors else ""
    total = re.search(r"(\d+) requests in", output)
    result["requests"] = int(total.group(1)) if total else 0
    return result


# Each wrk thread goes through the paths in turn, one request each (its own copy of the list).
WRK_PATHS_SCRIPT = """\
local paths = {%s}
local next_path = 0
request = function()
  next_path = next_path %% #paths + 1
  return wrk.format(nil, paths[next_path])
end
"""


def run_wrk(url, duration, connections, threads, warmup, *, paths=(), cookie=""):
    """wrk on ``url``; with ``paths``, on those paths of its server in turn; ``cookie`` replaces
    BENCH_COOKIE's."""
    sent = request_headers() | ({"Cookie": cookie} if cookie else {})
    headers = [part for name, value in sent.items() for part in ("-H", f"{name}: {value}")]
    if paths:
        script = BENCH_DIR / "paths.lua"
        script.write_text(WRK_PATHS_SCRIPT % ", ".join(json.dumps(path) for path in paths))
        headers += ["-s", str(script)]
    if warmup and warmup != "0s":
        subprocess.run(
            [WRK, "-t", str(threads), "-c", str(connections), "-d", warmup, *headers, url],
            capture_output=True,
            timeout=120,
            check=True,
        )
    command = [WRK, "-t", str(threads), "-c", str(connections), "-d", duration, "--latency", *headers, url]
    log(" ".join(shlex.quote(part) for part in command))
    output = subprocess.run(command, capture_output=True, text=True, timeout=600, check=True).stdout
    return parse_wrk(output), output


def run_once(base, paths, connections, cookie=""):
    """Each of ``paths`` requested once, ``connections`` at a time (urllib in threads: wrk has no
    way to stop after a list), as run_wrk's result: req/s over the time they took, p50, p99."""
    from concurrent.futures import ThreadPoolExecutor

    def one(path):
        started = time.perf_counter()
        status, _headers, _raw, _body = fetch(base + path, cookie=cookie)
        return status, (time.perf_counter() - started) * 1000

    log(f"{len(paths)} paths once each, {connections} at a time: {base}{paths[0]} ...")
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=connections) as pool:
        results = list(pool.map(one, paths))
    elapsed = time.perf_counter() - started
    latencies = sorted(ms for _status, ms in results)
    return {
        "rps": round(len(results) / elapsed, 2),
        "p50_ms": latencies[len(latencies) // 2],
        "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
        "non_2xx": sum(1 for status, _ms in results if not 200 <= status < 400),
        "socket_errors": "",
        "requests": len(results),
    }


# ---------------------------------------------------------------------------------------------
# nginx serving the saved HTML

NGINX_CONF = """\
worker_processes 2;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    default_type text/html;
    gzip on;
    gzip_static on;
    gzip_types text/css application/javascript;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    server {{
        listen {host}:{port};
        root {tmp}/www;
    }}
}}
"""


def start_nginx(processes, pages, port):
    """nginx serving ``pages`` (file name to bytes); returns the process, its base URL and its folder."""
    tmp = Path(tempfile.mkdtemp(prefix="bench-nginx-"))
    (tmp / "www").mkdir()
    for name, content in pages.items():
        (tmp / "www" / name).write_bytes(content)
        # Compressed once, as a deployment would (gzip_static): the static side is the fastest it can be.
        (tmp / "www" / f"{name}.gz").write_bytes(gzip.compress(content, compresslevel=6, mtime=0))
    # nginx's workers run as an unprivileged user when started by root: let them read the page.
    for path in (tmp, tmp / "www", *(tmp / "www").iterdir()):
        path.chmod(0o755 if path.is_dir() else 0o644)
    (tmp / "nginx.conf").write_text(NGINX_CONF.format(tmp=tmp, host=HOST, port=port))
    command = [NGINX, "-p", str(tmp), "-e", str(tmp / "error.log"), "-c", "nginx.conf", "-g", "daemon off;"]
    process = processes.start(command, log_path=tmp / "stdout.log")
    base = f"http://{HOST}:{port}/"
    wait_until_answers(base + next(iter(pages)), process, timeout=15, log_path=tmp / "error.log")
    return process, base, tmp


# ---------------------------------------------------------------------------------------------
# Main


def bench_env():
    env = dict(os.environ)
    env.setdefault("DJANGO_DEBUG", "false")
    env.setdefault("DJANGO_LOCAL_PREVIEW", "true")
    env.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    env.setdefault("DJANGO_ALLOWED_HOSTS", f"{HOST},localhost")
    env.setdefault("DATABASE_URL", f"sqlite:///{BENCH_DIR / 'db.sqlite3'}")
    # Required without DEBUG (inquiries.E001); seed_demo makes this account.
    env.setdefault("INQUIRIES_FALLBACK_USERNAME", "owner")
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def seed(env):
    python = shlex.quote(sys.executable)
    if "DATABASE_URL" not in os.environ:
        # A fresh database each run: --comments adds comments, so a reused one would grow every time.
        (BENCH_DIR / "db.sqlite3").unlink(missing_ok=True)
    log("migrating the benchmark database")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "--skip-checks", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    size = setting("BENCH_SIZE", "")
    default = (
        f"{{python}} manage.py seed_bench --size {shlex.quote(size)}"
        if size
        else ("{python} manage.py seed_demo --comments 200")
    )
    command = setting("BENCH_SEED_CMD", default).replace("{python}", python)
    if command.strip():
        log(f"seeding: {command}")
        subprocess.run(command, shell=True, cwd=ROOT, env=env, check=True, timeout=600)


def kb(n):
    return f"{n / 1024:.1f} KB"


def report(html, page_items, queries, django, static, article_url):
    weight = sum(item["bytes"] for item in page_items)
    raw = sum(item["raw_bytes"] for item in page_items)
    ratio = 100 * django["rps"] / static["rps"] if static["rps"] else 0.0
    lines = [
        "",
        f"Article page: {article_url}",
        f"  queries per page: {queries['cold']['queries']} (cold cache), {queries['warm']['queries']} (warm)",
        f"  page weight: {kb(weight)} compressed ({kb(raw)} uncompressed), HTML + CSS + JS:",
    ]
    for item in page_items:
        extra = f" {item['encoding']}" if item.get("encoding") else ""
        lines.append(
            f"    {item['kind']:4} {kb(item['bytes']):>9}{extra:>9}  [{item['status']}] {item['url']}"
        )
    lines += [
        "",
        f"{'':24}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'non-2xx':>9}",
        *(
            f"{name:24}{r['rps']:>10.1f}{r['p50_ms']:>10.2f}{r['p99_ms']:>10.2f}{r['non_2xx']:>9}"
            for name, r in (("Django (the site)", django), ("nginx, same HTML", static))
        ),
        "",
        f"Django / static throughput: {ratio:.2f}%  (goal: 2% or more)",
    ]
    broken = [item["url"] for item in page_items if item["status"] != 200]
    if broken:
        lines.append(
            f"  WARNING: {len(broken)} asset(s) did not load, so the weight is wrong: {', '.join(broken)}"
        )
    if page_items[0].get("encoding") != "gzip":
        gzipped = len(gzip.compress(html, compresslevel=6, mtime=0))
        lines.append(f"  WARNING: the HTML is not gzip-compressed ({kb(gzipped)} if it were)")
    for name, r in (("Django", django), ("nginx", static)):
        if r["socket_errors"]:
            lines.append(f"  {name} socket errors: {r['socket_errors']}")
    print("\n".join(lines), flush=True)
    return {
        "article_url": article_url,
        "queries": queries,
        "page_weight_bytes": weight,
        "page_items": page_items,
        "django": django,
        "static": static,
        "ratio_percent": round(ratio, 3),
    }


def report_pages(rows):
    """The table of ``BENCH_PAGES``: every page against nginx serving its own HTML."""
    lines = [
        "",
        f"{'page':32}{'req/s':>9}{'nginx':>11}{'share':>8}{'p50 ms':>9}{'p99 ms':>9}{'non-2xx':>8}"
        f"{'queries':>10}",
    ]
    for row in rows:
        django, static = row["django"], row["static"]
        queries = f"{row['queries']['cold']['queries']}/{row['queries']['warm']['queries']}"
        lines.append(
            f"{row['name']:32}{django['rps']:>9.1f}{static['rps']:>11.1f}{row['ratio_percent']:>7.2f}%"
            f"{django['p50_ms'] or 0:>9.2f}{django['p99_ms'] or 0:>9.2f}{django['non_2xx']:>8}{queries:>10}"
        )
    lines.append(
        "queries: cold cache / warm; share: the site's req/s as a part of nginx's (goal: 2% or more)"
    )
    print("\n".join(lines), flush=True)


def bench_pages(env, spec, port, static_port, wrk_args):
    """``BENCH_PAGES``: each page under the same server, then each page's HTML under nginx."""
    if spec in ("public", "admin"):
        command = [sys.executable, __file__, "--public-pages"]
        result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise BenchError(f"finding the public pages failed:\n{result.stderr[-3000:]}")
        pages = json.loads(result.stdout.strip().splitlines()[-1])
        if spec == "admin":  # the staff's two lists alone
            pages = {name: page for name, page in pages.items() if isinstance(page, dict) and "staff" in page}
    else:
        pages = {path: path for path in spec.split(",") if path.strip()}
    pages = {
        name: page if isinstance(page, dict) else {"paths": page if isinstance(page, list) else [page]}
        for name, page in pages.items()
    }
    rows, saved = [], {}
    processes = Processes()
    try:
        command = setting("BENCH_SERVER_CMD", "make serve PORT={port}").replace("{port}", str(port))
        server_log = BENCH_DIR / "server.log"
        server = processes.start(command, shell=True, env=env, log_path=server_log)
        wait_until_answers(f"http://{HOST}:{port}/robots.txt", server, log_path=server_log)
        for number, (name, page) in enumerate(pages.items()):
            paths = page["paths"]
            url = f"http://{HOST}:{port}{paths[0]}"
            cookie = liking_browser_cookie(url) if page.get("liked") else ""
            if page.get("staff"):
                cookie = staff_cookie(env)
            # Counted first, so the child's first request finds nothing cached (then the warm one).
            queries = count_queries(env | ({"BENCH_COOKIE": cookie} if cookie else {}), paths[0])
            status, _headers, _raw, body = fetch(url, cookie=cookie)
            if status != 200:
                raise BenchError(f"{name}: {url} answered {status}, not 200")
            file_name = f"page-{number}.html"
            saved[file_name] = body
            page_args = (wrk_args[0], page.get("connections", wrk_args[1]), *wrk_args[2:])
            row = {"name": name, "url": url, "paths": len(paths), "file": file_name, "queries": queries}
            if len(paths) > 1:
                # Each path's first request (nothing of it cached yet), then all of them again.
                first = run_once(f"http://{HOST}:{port}", paths, page_args[1], cookie=cookie)
                rows.append(row | {"name": f"{name}, first time", "django": first})
                row["name"] = f"{name}, again"
            django, _output = run_wrk(url, *page_args, paths=paths if len(paths) > 1 else (), cookie=cookie)
            rows.append(row | {"django": django})
        processes.stop(server)
        nginx, static_base, nginx_tmp = start_nginx(processes, saved, static_port)
        for row in rows:
            row["static"], _output = run_wrk(static_base + row["file"], *wrk_args)
            row["ratio_percent"] = round(100 * row["django"]["rps"] / row["static"]["rps"], 3)
        processes.stop(nginx)
        shutil.rmtree(nginx_tmp, ignore_errors=True)
    finally:
        processes.stop_all()
    report_pages(rows)
    out = BENCH_DIR / "pages.json"
    out.write_text(json.dumps({"size": setting("BENCH_SIZE", "demo"), "pages": rows}, indent=2))
    log(f"details in {out}; server log in {BENCH_DIR / 'server.log'}")
    return 0


def main():
    port = int(setting("BENCH_PORT", "8100"))
    static_port = int(setting("BENCH_STATIC_PORT", "8180"))
    duration = setting("BENCH_DURATION", "15s")
    connections = int(setting("BENCH_CONNECTIONS", "32"))
    threads = int(setting("BENCH_THREADS", "2"))
    warmup = setting("BENCH_WARMUP", "3s")
    for needed in (WRK, NGINX):
        if not os.access(needed, os.X_OK):
            raise BenchError(f"{needed} is missing: apt-get install -y wrk nginx")
    for p in (port, static_port):
        if port_in_use(p):
            raise BenchError(f"port {p} is already in use on {HOST}: set BENCH_PORT / BENCH_STATIC_PORT")

    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    env = bench_env()
    seed(env)
    pages = setting("BENCH_PAGES", "")
    if pages:
        return bench_pages(env, pages, port, static_port, (duration, connections, threads, warmup))

    processes = Processes()
    try:
        command = setting("BENCH_SERVER_CMD", "make serve PORT={port}").replace("{port}", str(port))
        log(f"starting the site: {command}")
        server_log = BENCH_DIR / "server.log"
        server = processes.start(command, shell=True, env=env, log_path=server_log)
        wait_until_answers(f"http://{HOST}:{port}/", server, log_path=server_log)
        # After the server's own start-up steps (collectstatic writes the manifest the pages need).
        queries = count_queries(env, setting("BENCH_ARTICLE_PATH", ""))
        article_url = f"http://{HOST}:{port}{queries['path']}"

        html, page_items = measure_page(article_url)
        (BENCH_DIR / "article.html").write_bytes(html)
        django, django_output = run_wrk(article_url, duration, connections, threads, warmup)
        processes.stop(server)

        nginx, static_base, nginx_tmp = start_nginx(processes, {"article.html": html}, static_port)
        static, static_output = run_wrk(static_base + "article.html", duration, connections, threads, warmup)
        processes.stop(nginx)
        shutil.rmtree(nginx_tmp, ignore_errors=True)
    finally:
        processes.stop_all()

    result = report(html, page_items, queries, django, static, article_url)
    result["wrk_output"] = {"django": django_output, "static": static_output}
    (BENCH_DIR / "last.json").write_text(json.dumps(result, indent=2))
    log(f"details in {BENCH_DIR / 'last.json'}; server log in {BENCH_DIR / 'server.log'}")
    return 0


def _terminate(signum, frame):
    raise KeyboardInterrupt


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--count-queries":
        count_queries_child(sys.argv[2])
        sys.exit(0)
    if len(sys.argv) == 2 and sys.argv[1] == "--public-pages":
        public_pages_child()
        sys.exit(0)
    if len(sys.argv) == 2 and sys.argv[1] == "--staff-session":
        staff_session_child()
        sys.exit(0)
    # Also SIGINT: a shell may start a background job with SIGINT ignored.
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGINT, _terminate)
    try:
        sys.exit(main())
    except (BenchError, subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
        print(f"[bench] failed: {error}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print("[bench] interrupted; everything it started was stopped", file=sys.stderr)
        sys.exit(130)

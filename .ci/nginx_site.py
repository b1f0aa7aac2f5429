"""deploy/nginx/*.conf as CI runs them on this machine (.ci/nginx_smoke.sh, .ci/two_nodes.sh).

  python3 .ci/nginx_site.py check-readme FILE...
      fails unless README.md shows each file, line for line, in the ```nginx block after the line
      "<!-- FILE -->"
  python3 .ci/nginx_site.py render OUT --tmp DIR --http-port N --https-port N --app HOST:PORT [--app ...]
      writes clinic.conf with this run's ports and paths to OUT. One --app: clinic.conf's own
      upstream, pointed at it. Several: the upstream of cluster.conf in its place, its "server"
      lines pointed at them in order (as many --app as cluster.conf has servers).

Only what cannot be the same here is changed: the listening ports (IPv6 ones dropped) and the port
the HTTP redirect names, a certificate made on the spot (DIR/cert.pem, DIR/key.pem), the log
directory and the app servers' addresses. Each of those lines must be found exactly as expected, so
an edit of a file that this script no longer understands fails here rather than passing untested.
Standard library only (the system python3 runs it).
"""

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "deploy/nginx/clinic.conf"
CLUSTER = ROOT / "deploy/nginx/cluster.conf"
UPSTREAM = re.compile(r"^upstream clinic_app \{\n.*?^\}\n", re.MULTILINE | re.DOTALL)


class Unknown(Exception):
    """A file no longer has a line this script replaces."""


def shown_in_readme(path: str) -> bool:
    conf = (ROOT / path).read_text()
    lines = (ROOT / "README.md").read_text().splitlines()
    marker = next((i for i, line in enumerate(lines) if line.strip() == f"<!-- {path} -->"), None)
    if marker is None:
        return False
    start = lines.index("```nginx", marker) + 1
    end = lines.index("```", start)
    return "\n".join(lines[start:end]) + "\n" == conf


def replace(text: str, old: str, new: str, count: int, *, name: str) -> str:
    if text.count(old) != count:
        raise Unknown(f"expected {old!r} {count} time(s) in {name}, found it {text.count(old)} time(s)")
    return text.replace(old, new)


def upstream(apps: list[str]) -> str:
    """The upstream block for these app servers: clinic.conf's own for one, cluster.conf's for more."""
    if len(apps) == 1:
        block = UPSTREAM.search(SITE.read_text())
        if block is None:
            raise Unknown(f"no 'upstream clinic_app {{ ... }}' block in {SITE.name}")
        return replace(block.group(0), "server 127.0.0.1:8000;", f"server {apps[0]};", 1, name=SITE.name)
    block = UPSTREAM.search(CLUSTER.read_text())
    if block is None:
        raise Unknown(f"no 'upstream clinic_app {{ ... }}' block in {CLUSTER.name}")
    servers = re.findall(r"^\s*server (\S+)", block.group(0), re.MULTILINE)
    if len(servers) != len(apps):
        raise Unknown(f"{CLUSTER.name} lists {len(servers)} servers; this run has {len(apps)}")
    text = block.group(0)
    for server, app in zip(servers, apps, strict=True):
        text = replace(text, f"server {server} ", f"server {app} ", 1, name=CLUSTER.name)
    return text


def render(*, tmp: str, http_port: int, https_port: int, apps: list[str]) -> str:
    text = SITE.read_text()
    if len(UPSTREAM.findall(text)) != 1:
        raise Unknown(f"expected one 'upstream clinic_app {{ ... }}' block in {SITE.name}")
    text = UPSTREAM.sub(lambda _match: upstream(apps), text)
    changes = [  # (as written in the file, what it becomes here, how many times it is written)
        ("listen 80;", f"listen 127.0.0.1:{http_port};", 1),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;", 1),
        ("return 301 https://$host$request_uri;", f"return 301 https://$host:{https_port}$request_uri;", 1),
        ("listen [::]:80;\n", "", 1),  # this machine may have no IPv6
        ("listen [::]:443 ssl http2;\n", "", 1),
        ("/etc/letsencrypt/live/pt.example/fullchain.pem", f"{tmp}/cert.pem", 1),
        ("/etc/letsencrypt/live/pt.example/privkey.pem", f"{tmp}/key.pem", 1),
        ("/var/log/nginx/", f"{tmp}/", 2),
    ]
    for old, new, count in changes:
        text = replace(text, old, new, count, name=SITE.name)
    # Every location that passes requests on goes to the upstream above, the probe's included.
    if text.count("proxy_pass http://clinic_app;") != 3:
        raise Unknown(f"expected 'proxy_pass http://clinic_app;' 3 times in {SITE.name}")
    return text


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check-readme")
    check.add_argument("files", nargs="+")
    build = commands.add_parser("render")
    build.add_argument("out")
    build.add_argument("--tmp", required=True)
    build.add_argument("--http-port", type=int, required=True)
    build.add_argument("--https-port", type=int, required=True)
    build.add_argument("--app", action="append", required=True)
    args = parser.parse_args(argv)
    if args.command == "check-readme":
        differ = [path for path in args.files if not shown_in_readme(path)]
        for path in differ:
            print(f"README.md does not show {path} as it is: copy the file into its block", file=sys.stderr)
        return 1 if differ else 0
    try:
        text = render(tmp=args.tmp, http_port=args.http_port, https_port=args.https_port, apps=args.app)
    except Unknown as error:
        print(f"{error}: this script does not know the file any more", file=sys.stderr)
        return 1
    Path(args.out).write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

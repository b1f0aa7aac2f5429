#!/usr/bin/env bash
# The production nginx configuration (deploy/nginx/clinic.conf), run by this machine's nginx in front
# of `make serve`, with a patient sending the inquiry form through it over HTTPS and HTTP/2.
#
# Only what cannot be the same here is changed (.ci/nginx_site.py, shared with .ci/two_nodes.sh): the
# listening ports (IPv6 ones dropped) and the port the HTTP redirect names, a certificate made on the
# spot, the log directory and the upstream's address. Each of those lines must be found exactly as
# expected, so an edit of the file that this script no longer understands fails here rather than
# passing untested.
# Everything lives in a temporary directory; the system nginx and var/db.sqlite3 are left alone.
#
# Ports: NGINX_SMOKE_HTTPS_PORT (8443), NGINX_SMOKE_HTTP_PORT (8480), NGINX_SMOKE_APP_PORT (8110).
#
# With OBSERVATORY_PACKAGE pointing at an installed @mdn/mdn-http-observatory (a directory holding its
# package.json; `npm i --ignore-scripts @mdn/mdn-http-observatory` in a temporary directory), it also
# scores the home page, an article, the inquiry form and the admin login with the Observatory's rules
# (.ci/observatory.mjs) and fails unless each gets an A+. Without it that step is skipped, saying so.
set -euo pipefail
cd "$(dirname "$0")/.."

CONF=deploy/nginx/clinic.conf
HTTPS_PORT=${NGINX_SMOKE_HTTPS_PORT:-8443}
HTTP_PORT=${NGINX_SMOKE_HTTP_PORT:-8480}
APP_PORT=${NGINX_SMOKE_APP_PORT:-8110}
HOST=127.0.0.1
SITE="https://$HOST:$HTTPS_PORT"

say() { printf 'nginx smoke: %s\n' "$*"; }
fail() { printf 'nginx smoke: FAILED: %s\n' "$*" >&2; exit 1; }

# 1. The README shows the same configuration as the files (clinic.conf, and the upstream for several
#    app servers that .ci/two_nodes.sh runs).
python3 .ci/nginx_site.py check-readme "$CONF" deploy/nginx/cluster.conf ||
    fail "the nginx blocks in README.md differ from deploy/nginx/: copy the files into them"

for command in nginx openssl curl; do
    command -v "$command" >/dev/null 2>&1 || fail "$command is missing (apt-get install -y $command)"
done
for port in "$HTTPS_PORT" "$HTTP_PORT" "$APP_PORT"; do
    if curl -s -o /dev/null --max-time 2 "http://$HOST:$port/"; then
        fail "port $port is already taken; set NGINX_SMOKE_*_PORT"
    fi
done

make --no-print-directory -s .venv/.runtime var/secret_key  # before the clock of the wait below starts

tmp=$(mktemp -d /tmp/nginx-smoke.XXXXXX)
# nginx's workers run as an unprivileged user when started by root: they must reach their files.
chmod 755 "$tmp"
app_pid=""
nginx_pid=""
cleanup() {
    status=$?
    # make serve runs in its own process group (setsid): stopping the group stops gunicorn too.
    [ -n "$app_pid" ] && kill -TERM -- "-$app_pid" 2>/dev/null || true
    [ -n "$nginx_pid" ] && kill -TERM "$nginx_pid" 2>/dev/null || true
    [ -n "$nginx_pid" ] && wait "$nginx_pid" 2>/dev/null || true
    if [ -n "$app_pid" ]; then
        # gunicorn finishes its requests first; the port is free once the whole group is gone.
        for _ in $(seq 50); do kill -0 -- "-$app_pid" 2>/dev/null || break; sleep 0.2; done
        kill -KILL -- "-$app_pid" 2>/dev/null || true
        wait "$app_pid" 2>/dev/null || true
    fi
    if [ "$status" -ne 0 ]; then
        for log in "$tmp"/serve.log "$tmp"/error.log; do
            [ -f "$log" ] && { echo "--- last lines of $log"; tail -n 30 "$log"; }
        done
    fi
    rm -rf "$tmp"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# 2. A certificate for 127.0.0.1, made now, trusted by curl below (--cacert, not --insecure).
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=$HOST" \
    -addext "subjectAltName=IP:$HOST" -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>/dev/null

# 3. The site file with this run's ports and paths, included as Debian's nginx.conf includes it.
python3 .ci/nginx_site.py render "$tmp/clinic.conf" --tmp "$tmp" --http-port "$HTTP_PORT" \
    --https-port "$HTTPS_PORT" --app "$HOST:$APP_PORT" || fail "$CONF has changed in a way this script does not know"
cat > "$tmp/nginx.conf" <<EOF
worker_processes 1;
pid $tmp/nginx.pid;
error_log $tmp/error.log warn;
daemon off;
events { worker_connections 64; }
http {
    client_body_temp_path $tmp/body;
    proxy_temp_path $tmp/proxy;
    fastcgi_temp_path $tmp/fastcgi;
    uwsgi_temp_path $tmp/uwsgi;
    scgi_temp_path $tmp/scgi;
    include $tmp/clinic.conf;
}
EOF
nginx_args=(-p "$tmp" -e "$tmp/error.log" -c "$tmp/nginx.conf")
nginx "${nginx_args[@]}" -t -q || fail "nginx $(nginx -v 2>&1 | sed 's/.*\///') refuses the configuration"

# 4. The site as in production (make serve: DEBUG off, gunicorn) on a throwaway SQLite database,
#    told that nginx on this machine is its one trusted proxy, in the local preview (its mail goes to
#    the console). The time trap is shortened so the run waits one second, not three.
#    DJANGO_CSRF_TRUSTED_ORIGINS stays empty: the post below must pass on the Host header alone.
say "make serve on $HOST:$APP_PORT, nginx on $SITE"
env -u DJANGO_CSRF_TRUSTED_ORIGINS DATABASE_URL="sqlite:///$tmp/db.sqlite3" \
    DJANGO_ALLOWED_HOSTS="$HOST,localhost" \
    DJANGO_TRUSTED_PROXIES=127.0.0.1/32,::1 \
    DJANGO_LOCAL_PREVIEW=true \
    SITE_URL="$SITE" \
    INQUIRIES_MIN_SECONDS=1 \
    PORT="$APP_PORT" \
    setsid make --no-print-directory serve >"$tmp/serve.log" 2>&1 </dev/null &
app_pid=$!
nginx "${nginx_args[@]}" >"$tmp/nginx.out" 2>&1 </dev/null &
nginx_pid=$!

wait_for() {  # URL NAME PID
    for _ in $(seq 240); do
        kill -0 "$3" 2>/dev/null || fail "$2 stopped before answering"
        curl -s -o /dev/null --max-time 2 --cacert "$tmp/cert.pem" "$1" && return 0
        sleep 0.5
    done
    fail "$2 did not answer at $1 within 2 minutes"
}
wait_for "http://$HOST:$APP_PORT/" "make serve" "$app_pid"
wait_for "$SITE/robots.txt" nginx "$nginx_pid"

curl_() { curl -sS --max-time 20 --cacert "$tmp/cert.pem" --http2 -b "$tmp/jar" -c "$tmp/jar" "$@"; }

# 5. Plain HTTP is sent to HTTPS.
location=$(curl -sS -o /dev/null -w '%{redirect_url}' "http://$HOST:$HTTP_PORT/inquiries/new/")
[ "$location" = "$SITE/inquiries/new/" ] || fail "http:// answered a redirect to '$location'"
# ... but for the load balancer's probe, which answers over both, by the address alone.
for url in "http://$HOST:$HTTP_PORT/healthz" "$SITE/healthz"; do
    probe=$(curl -sS --max-time 10 --cacert "$tmp/cert.pem" -w ' %{http_code}' "$url" | tr '\n' ' ')
    [ "$probe" = "database: ok cache: ok  200" ] || fail "$url answered '$probe'"
done

# 6. The form, over HTTP/2. The query string is a marker that no access log may contain. The page
# is shared by every reader (blog.pagecache): no token of one reader in it; the time trap is the
# page-shown cookie set with it, kept in the jar.
marker="smoke-query-$$"
read -r status version < <(curl_ -o "$tmp/form.html" -w '%{http_code} %{http_version}\n' \
    "$SITE/inquiries/new/?probe=$marker")
[ "$status" = 200 ] || fail "GET /inquiries/new/ answered $status"
[ "$version" = 2 ] || fail "GET /inquiries/new/ went over HTTP/$version, not HTTP/2"
grep -qE 'name="(csrfmiddlewaretoken|started|submission_token)"' "$tmp/form.html" &&
    fail "the form page holds a token of one reader"
grep -q 'name="symptoms"' "$tmp/form.html" || fail "the form page has no form"
grep -q 'page_shown' "$tmp/jar" || fail "the form page set no page-shown cookie"

# 7. Sent after the time trap, as a browser sends it: its cookie, the headers of a same-origin post.
sleep 2
read -r status location < <(curl_ -o "$tmp/post.html" -w '%{http_code} %{redirect_url}\n' \
    -H "Origin: $SITE" -H "Sec-Fetch-Site: same-origin" -e "$SITE/inquiries/new/" \
    --data-urlencode "name=Nginx Smoke" \
    --data-urlencode "email=smoke@example.org" \
    --data-urlencode "phone=" \
    --data-urlencode "preferred_contact=email" \
    --data-urlencode "location=" \
    --data-urlencode "condition=" \
    --data-urlencode "symptoms=A stiff neck after long days at the desk." \
    --data-urlencode "duration=two weeks" \
    --data-urlencode "treatments_tried=" \
    --data-urlencode "consent=on" \
    --data-urlencode "website=" \
    --data-urlencode "article=" \
    "$SITE/inquiries/new/")
if [ "$status" != 303 ]; then
    grep -o '<title>[^<]*</title>' "$tmp/post.html" >&2 || true
    fail "POST /inquiries/new/ answered $status, not 303"
fi
[ "$location" = "$SITE/inquiries/thanks/" ] || fail "the 303 pointed to '$location'"

# 8. The thank-you page shows the reference kept in the session.
status=$(curl_ -o "$tmp/thanks.html" -w '%{http_code}' "$SITE/inquiries/thanks/")
[ "$status" = 200 ] || fail "GET /inquiries/thanks/ answered $status"
reference=$(grep -oE 'INQ-[A-Z0-9]{4}-[A-Z0-9]{4}' "$tmp/thanks.html" | head -n 1) ||
    fail "the thank-you page shows no reference"

# 9. Neither nginx nor gunicorn logged the query string.
if grep -q "$marker" "$tmp/clinic.access.log" "$tmp/serve.log"; then
    fail "a query string reached an access log"
fi
grep -q '"GET /inquiries/new/ HTTP/2.0" 200' "$tmp/clinic.access.log" ||
    fail "nginx's access log has no line for the form"
if grep -q "/healthz" "$tmp/clinic.access.log" "$tmp/serve.log"; then
    fail "the health probe reached an access log"
fi

say "ok: GET the form 200 over HTTP/2, POST 303 to /inquiries/thanks/, reference $reference, no query string in the logs"

# 10. MDN HTTP Observatory's grade for the pages a visitor and a staff member open first.
if [ -z "${OBSERVATORY_PACKAGE:-}" ]; then
    say "Observatory scores skipped: set OBSERVATORY_PACKAGE (see the top of this script)"
    exit 0
fi
command -v node >/dev/null 2>&1 || fail "node is missing (apt-get install -y nodejs)"
# --ignore-scripts skips the package's download of Chromium's HSTS preload list. It only tells the
# scorer which domains browsers preload, and 127.0.0.1 is none of them: an empty list is the truth here.
preload="$OBSERVATORY_PACKAGE/conf/hsts-preload.json"
[ -f "$preload" ] || echo '{}' >"$preload"
# The demo articles (content only, no accounts) in the same throwaway database, for an article page.
DJANGO_DEBUG=false DJANGO_LOCAL_PREVIEW=true DJANGO_SECRET_KEY="$(cat var/secret_key)" \
    DJANGO_ALLOWED_HOSTS="$HOST" DATABASE_URL="sqlite:///$tmp/db.sqlite3" INQUIRIES_FALLBACK_USERNAME=owner \
    .venv/bin/python manage.py seed_demo >"$tmp/seed.log" 2>&1 || fail "seed_demo failed (see $tmp/seed.log)"
article=$(curl_ "$SITE/blog/" | grep -oE 'href="/blog/[a-z0-9-]+/"' | grep -v '/blog/feed/' | head -n 1 | cut -d'"' -f2)
[ -n "$article" ] || fail "no article to score on /blog/"
pages=(/ "$article" /inquiries/new/ /admin/login/)
NODE_EXTRA_CA_CERTS="$tmp/cert.pem" node .ci/observatory.mjs "$OBSERVATORY_PACKAGE" "$HOST" \
    "$HTTP_PORT" "$HTTPS_PORT" "${pages[@]}" || fail "a page scored below A+ on the Observatory's rules"
say "ok: A+ on the Observatory's rules for ${pages[*]}"

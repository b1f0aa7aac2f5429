#!/usr/bin/env bash
# The Nu HTML Checker (vnu.jar, npm package vnu-jar, run with Debian's Java) over every public page
# as `make serve` renders it with the demo content: home, blog, each article, conditions and one
# condition, locations and each location, the team page and each clinician's, privacy, the inquiry
# form, its error state (sent empty) and its thank-you page, the 404 page and the page a form gets
# when the CSRF check refuses it; and in Spanish (/es/) home, blog, every article the Spanish blog
# lists, conditions, locations, team, privacy, the inquiry form and its error state. Any error fails.
#
# Everything lives in a temporary directory: a throwaway SQLite database, media folder and cache
# (so no rate-limit count or cached page of an earlier run carries over: a second run within the
# hour used to get 429 for the error state). The port is VNU_APP_PORT (8120). VNU_JAR points at a
# vnu.jar; without it the script installs vnu-jar from npm into the temporary directory.
set -euo pipefail
cd "$(dirname "$0")/.."

APP_PORT=${VNU_APP_PORT:-8120}
HOST=127.0.0.1
SITE="http://$HOST:$APP_PORT"
VNU_VERSION=26.9.27

say() { printf 'vnu: %s\n' "$*"; }
fail() { printf 'vnu: FAILED: %s\n' "$*" >&2; exit 1; }

command -v java >/dev/null 2>&1 || fail "java is missing (apt-get install -y default-jre-headless)"
command -v curl >/dev/null 2>&1 || fail "curl is missing"
if curl -s -o /dev/null --max-time 2 "$SITE/"; then fail "port $APP_PORT is already taken; set VNU_APP_PORT"; fi

make --no-print-directory -s .venv/.runtime var/secret_key

tmp=$(mktemp -d /tmp/vnu.XXXXXX)
app_pid=""
cleanup() {
    status=$?
    # make serve runs in its own process group (setsid): stopping the group stops gunicorn too.
    if [ -n "$app_pid" ]; then
        kill -TERM -- "-$app_pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 -- "-$app_pid" 2>/dev/null || break; sleep 0.2; done
        kill -KILL -- "-$app_pid" 2>/dev/null || true
        wait "$app_pid" 2>/dev/null || true
    fi
    if [ "$status" -ne 0 ] && [ -f "$tmp/serve.log" ]; then
        echo "--- last lines of serve.log"; tail -n 30 "$tmp/serve.log"
    fi
    rm -rf "$tmp"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

jar=${VNU_JAR:-}
if [ -z "$jar" ]; then
    command -v npm >/dev/null 2>&1 || fail "npm is missing: set VNU_JAR or apt-get install -y npm"
    npm install --prefix "$tmp/npm" --ignore-scripts --no-audit --no-fund --silent "vnu-jar@$VNU_VERSION" ||
        fail "npm could not install vnu-jar@$VNU_VERSION"
    jar="$tmp/npm/node_modules/vnu-jar/build/dist/vnu.jar"
fi
[ -f "$jar" ] || fail "no vnu.jar at $jar"

# The site as in production (DEBUG off, gunicorn) with the demo content, media served by Django.
# The time trap is shortened so the thank-you page is one second away, not three.
export DATABASE_URL="sqlite:///$tmp/db.sqlite3" DJANGO_MEDIA_ROOT="$tmp/media" DJANGO_CACHE_DIR="$tmp/cache" \
    DJANGO_SERVE_MEDIA=true DJANGO_LOCAL_PREVIEW=true DJANGO_ALLOWED_HOSTS="$HOST,localhost" INQUIRIES_MIN_SECONDS=1 \
    INQUIRIES_FALLBACK_USERNAME=owner
env -u CACHE_URL PORT="$APP_PORT" WEB_CONCURRENCY=1 setsid make --no-print-directory serve \
    >"$tmp/serve.log" 2>&1 </dev/null &
app_pid=$!
for _ in $(seq 240); do
    kill -0 "$app_pid" 2>/dev/null || fail "make serve stopped before answering"
    curl -s -o /dev/null --max-time 2 "$SITE/robots.txt" && break
    sleep 0.5
done
DJANGO_DEBUG=false DJANGO_SECRET_KEY="$(cat var/secret_key)" .venv/bin/python manage.py seed_demo \
    >"$tmp/seed.log" 2>&1 || fail "seed_demo failed: $(tail -n 5 "$tmp/seed.log")"

# make serve sends plain http:// to https://, as behind the TLS proxy: say the proxy did TLS.
curl_() { curl -sS --max-time 20 -H "X-Forwarded-Proto: https" -b "$tmp/jar" -c "$tmp/jar" "$@"; }
mkdir "$tmp/pages"
n=0
save() {  # PATH EXPECTED-STATUS [curl options...]
    local path=$1 expected=$2 status
    shift 2
    n=$((n + 1))
    local file
    file="$tmp/pages/$(printf '%02d' "$n")$(echo "$path" | tr -c 'a-z0-9\n' '_').html"
    status=$(curl_ -o "$file" -w '%{http_code}' "$@" "$SITE$path")
    [ "$status" = "$expected" ] || fail "$path answered $status, not $expected"
    case "$status" in 3*) rm -f "$file" ;; *) echo "$file" ;; esac  # a redirect has no page
}
links() {  # PATH PATTERN: the site's own links on a page that match the pattern, once each
    curl_ "$SITE$1" | grep -oE "href=\"$2\"" | cut -d'"' -f2 | sort -u
}

pages=(/ /blog/ /conditions/ /locations/ /privacy/ /inquiries/new/)
# Every article on the blog's first page: each has its own cover, review line and references.
mapfile -t article_pages < <(links /blog/ '/blog/[a-z0-9-]+/' | grep -v '^/blog/feed/$')
[ "${#article_pages[@]}" -gt 0 ] || fail "no article linked from /blog/"
pages+=("${article_pages[@]}")
pages+=("$(links /conditions/ '/conditions/[a-z0-9-]+/' | head -n 1)")
mapfile -t location_pages < <(links /locations/ '/locations/[a-z0-9-]+/')
[ "${#location_pages[@]}" -gt 0 ] || fail "no location page linked from /locations/"
pages+=("${location_pages[@]}")
# The team page and every clinician's page, once the site has them.
if [ "$(curl_ -o /dev/null -w '%{http_code}' "$SITE/team/")" = 200 ]; then
    mapfile -t clinician_pages < <(links /team/ '/team/[a-z0-9-]+/')
    [ "${#clinician_pages[@]}" -gt 0 ] || fail "no clinician page linked from /team/"
    pages+=(/team/ "${clinician_pages[@]}")
fi
# The same pages in Spanish, with every article the Spanish blog lists (the English ones among them,
# shown with the notice that they are not translated yet).
pages+=(/es/ /es/blog/ /es/conditions/ /es/locations/ /es/team/ /es/privacy/ /es/inquiries/new/)
mapfile -t spanish_articles < <(links /es/blog/ '/es/blog/[a-z0-9-]+/' | grep -v '^/es/blog/feed/$')
[ "${#spanish_articles[@]}" -gt 0 ] || fail "no article linked from /es/blog/"
pages+=("${spanish_articles[@]}")
for page in "${pages[@]}"; do
    [ -n "$page" ] || fail "a page to check was not found (see the list above)"
    save "$page" 200 >/dev/null
done
save /no-such-page/ 404 >/dev/null
# The page a form gets when the CSRF check refuses it (here: the new-link form, sent without its
# token; the inquiry form has none, its view checks the origin instead).
save /inquiries/thread/new-link/ 403 -H "Origin: https://$HOST:$APP_PORT" \
    --data-urlencode "email=vnu@example.org" >/dev/null
# The page a form sent from another site gets.
save /inquiries/new/ 403 -H "Origin: https://elsewhere.example" --data-urlencode "name=Elsewhere" >/dev/null

# The inquiry form: sent empty (its error state), then filled in (the thank-you page). The page
# holds no token; its time trap is the page-shown cookie it sets, kept in the jar.
save /inquiries/new/ 200 >/dev/null
post=(-H "Origin: https://$HOST:$APP_PORT" -e "https://$HOST:$APP_PORT/inquiries/new/")
sleep 2
save /inquiries/new/ 400 "${post[@]}" --data-urlencode "name=" --data-urlencode "email=" >/dev/null
save /es/inquiries/new/ 400 "${post[@]}" -e "https://$HOST:$APP_PORT/es/inquiries/new/" \
    --data-urlencode "name=" --data-urlencode "email=" >/dev/null
save /inquiries/new/ 303 "${post[@]}" \
    --data-urlencode "name=Valid Page" --data-urlencode "email=vnu@example.org" \
    --data-urlencode "preferred_contact=email" --data-urlencode "symptoms=A stiff neck in the morning." \
    --data-urlencode "duration=a week" --data-urlencode "consent=on" >/dev/null
save /inquiries/thanks/ 200 >/dev/null
grep -q 'INQ-' "$tmp"/pages/*thanks* || fail "the thank-you page shows no reference"

count=$(find "$tmp/pages" -name '*.html' | wc -l)
say "checking $count pages: ${pages[*]} /no-such-page/, the CSRF refusal and the inquiry form's error (both languages) and thank-you states"
if ! java -jar "$jar" --errors-only --format gnu "$tmp"/pages/*.html 2>"$tmp/vnu.txt"; then
    sed "s|$tmp/pages/||" "$tmp/vnu.txt" >&2
    fail "the Nu HTML Checker found errors"
fi
say "ok: no errors on $count pages"

#!/usr/bin/env bash
# Bootstrap trimmed to what the site uses (README, Performance): PurgeCSS reads Bootstrap 5
# (static/vendor/bootstrap/bootstrap.min.css, the full file, kept as the source) and keeps only the
# rules whose classes, ids and elements appear in what can put them on a page:
# - our templates (templates/, every app's templates/);
# - our Python code (forms and admin code that set classes; blog/sanitize.py names the elements an
#   article body may hold, so their element rules stay);
# - the crispy-forms and crispy-bootstrap5 templates and code in the virtualenv (the inquiry and
#   comment forms: form-control, is-invalid, invalid-feedback and the rest are theirs), and Django's
#   own form widgets (the input types Bootstrap styles by attribute, [type=radio] among them).
# Classes a template builds from a variable are kept by the safelist below (the flash message's
# alert-<tag>). The result, static/vendor/bootstrap/bootstrap.used.css, is committed and is what
# base.html links.
#
#   bash .ci/css.sh          write it (make css)
#   bash .ci/css.sh --check  fail when the committed file is not what the sources make now (make
#                            css-check, in CI): a template that starts using a class the trimmed file
#                            lacks, without `make css`, fails here.
#
# PurgeCSS comes from npm (purgecss@8.0.0, pinned) into a temporary directory, its install scripts
# not run; PURGECSS_BIN points at an installed purgecss instead.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
PURGECSS_VERSION=8.0.0
source_css=static/vendor/bootstrap/bootstrap.min.css
target=static/vendor/bootstrap/bootstrap.used.css
check=false
[ "${1:-}" = "--check" ] && check=true

fail() { printf 'css: FAILED: %s\n' "$*" >&2; exit 1; }
command -v node >/dev/null 2>&1 || fail "node is missing (apt-get install -y nodejs npm)"

tmp=$(mktemp -d /tmp/css.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

purgecss=${PURGECSS_BIN:-}
if [ -z "$purgecss" ]; then
    command -v npm >/dev/null 2>&1 || fail "npm is missing: set PURGECSS_BIN or apt-get install -y npm"
    npm install --prefix "$tmp/npm" --ignore-scripts --no-audit --no-fund --silent \
        "purgecss@$PURGECSS_VERSION" || fail "npm could not install purgecss@$PURGECSS_VERSION"
    purgecss="$tmp/npm/node_modules/.bin/purgecss"
fi
[ -x "$purgecss" ] || fail "no purgecss at $purgecss"

site_packages=$("$BIN/python" -c "import crispy_forms, os; print(os.path.dirname(os.path.dirname(crispy_forms.__file__)))")
content=(
    'templates/**/*.html' '*/templates/**/*.html'
    '{blog,clinic_site,inquiries,outbox}/**/*.py'
    "$site_packages/crispy_forms/**/*.{html,py}" "$site_packages/crispy_bootstrap5/**/*.{html,py}"
    "$site_packages/django/forms/**/*.{html,py}"
)
"$purgecss" --css "$source_css" --content "${content[@]}" \
    --safelist 'alert-success' 'alert-info' 'alert-warning' 'alert-danger' \
    --output "$tmp/out" >/dev/null || fail "purgecss failed"
# The note goes last: @charset must open the file, and Bootstrap's licence banner follows it.
{
    cat "$tmp/out/$(basename "$source_css")"
    echo
    echo "/* Bootstrap trimmed by PurgeCSS to what the site uses: made by 'make css' (.ci/css.sh) from bootstrap.min.css; never edited by hand. */"
} >"$tmp/used.css"

if $check; then
    if ! cmp -s "$tmp/used.css" "$target"; then
        echo "css: $target is not what 'make css' makes of the templates and code now:"
        diff <(tr '}' '\n' <"$target") <(tr '}' '\n' <"$tmp/used.css") | head -n 40 || true
        fail "run 'make css' and commit $target"
    fi
    echo "css: $target is current ($(wc -c <"$target") bytes)"
else
    cp "$tmp/used.css" "$target"
    echo "css: wrote $target ($(wc -c <"$source_css") bytes -> $(wc -c <"$target") bytes)"
fi

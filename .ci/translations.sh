#!/usr/bin/env bash
# The Spanish catalogue is complete and compiled (README, Translations):
# - locale/es/LC_MESSAGES/django.po holds every string the code and templates mark, as `make messages`
#   extracts them now (a string added or changed without `make messages` fails here);
# - every entry has a Spanish translation, none is fuzzy, and msgfmt finds no broken placeholder;
# - the committed django.mo is what msgfmt makes of that django.po (never stale).
# The tree is left as it was found. Needs gettext (Debian's package, installed by .ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
po=locale/es/LC_MESSAGES/django.po
mo=locale/es/LC_MESSAGES/django.mo
tmp=$(mktemp -d)
cp "$po" "$tmp/committed.po"
restore() { cp "$tmp/committed.po" "$po"; rm -rf "$tmp"; }
trap restore EXIT
failed=0

# The same entries as a fresh extraction: compared sorted by msgid, without the source locations (a
# string that moved to another file is still the same string) and the header's creation date.
make --no-print-directory -s messages-extract
entries() { msgcat --sort-output --no-location --no-wrap "$1" | grep -v '^"POT-Creation-Date'; }
if ! diff -u <(entries "$tmp/committed.po") <(entries "$po") >"$tmp/extracted.diff"; then
    echo "locale/es: $po is not what 'make messages' extracts now (strings added, changed or removed):"
    head -n 60 "$tmp/extracted.diff"
    failed=1
fi

# msgfmt's count: "N translated messages[, M fuzzy translations][, K untranslated messages]."
statistics=$(LC_ALL=C msgfmt --statistics -o /dev/null "$tmp/committed.po" 2>&1)
if [[ "$statistics" == *fuzzy* || "$statistics" == *untranslated* ]]; then
    echo "locale/es: $statistics Every string needs its Spanish, none may stay fuzzy:"
    msgattrib --untranslated --no-obsolete "$tmp/committed.po" | grep -A1 '^msgid ' | head -n 60
    msgattrib --only-fuzzy --no-obsolete "$tmp/committed.po" | grep -A1 '^msgid ' | head -n 20
    failed=1
fi

if ! msgfmt --check-format --check-domain -o "$tmp/fresh.mo" "$tmp/committed.po"; then
    echo "locale/es: msgfmt refuses $po (a placeholder differs from the English, above)."
    failed=1
elif ! cmp -s <(msgunfmt "$tmp/fresh.mo") <(msgunfmt "$mo"); then
    echo "locale/es: $mo is stale: run 'make messages' and commit the .mo with the .po."
    failed=1
fi

if [ "$failed" -ne 0 ]; then
    exit 1
fi
echo "locale/es: $statistics Nothing fuzzy or untranslated; the .mo is current."

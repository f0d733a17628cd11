#!/usr/bin/env bash
# Refresh the message catalogs after changing user-visible strings:
#   scripts/translations.sh        extract, merge into zh_CN, compile
# then translate the new empty msgstr entries in kamdesk/locale/zh_CN/LC_MESSAGES/kamdesk.po and run it again.
set -euo pipefail
cd "$(dirname "$0")/.."
pybabel extract -F babel.cfg -k _ -k N_ -k ngettext:1,2 --no-location --sort-output \
    --project kamdesk -o kamdesk/locale/kamdesk.pot kamdesk >/dev/null 2>&1
po=kamdesk/locale/zh_CN/LC_MESSAGES/kamdesk.po
if [ -f "$po" ]; then
    pybabel update -i kamdesk/locale/kamdesk.pot -d kamdesk/locale -D kamdesk -l zh_CN --no-fuzzy-matching --ignore-obsolete >/dev/null 2>&1
else
    pybabel init -i kamdesk/locale/kamdesk.pot -d kamdesk/locale -D kamdesk -l zh_CN >/dev/null
fi
pybabel compile -d kamdesk/locale -D kamdesk --statistics

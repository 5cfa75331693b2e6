#!/usr/bin/env bash
# Regenerate each add-on's translation template (addons/<addon>/i18n/<addon>.pot)
# from an Odoo 18 you already have, then merge it into the add-on's .po files
# so new strings show up untranslated there (the repository tests fail until
# they are translated).
#
#   scripts/update_pot.sh                 # every add-on under addons/
#   scripts/update_pot.sh ADDON [ADDON]   # only these
# ODOO_BIN, or odoo-bin/odoo on PATH; ODOO_ADDONS_PATH for Odoo's own add-ons.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ $# -gt 0 ]]; then
    addons=("$@")
else
    addons=()
    for manifest in "$repo"/addons/*/__manifest__.py; do
        addons+=("$(basename "$(dirname "$manifest")")")
    done
fi
odoo_bin="${ODOO_BIN:-$(command -v odoo-bin || command -v odoo || true)}"
[[ -n $odoo_bin ]] || { echo "No Odoo 18 found: set ODOO_BIN" >&2; exit 2; }
addons_path="$repo/addons${ODOO_ADDONS_PATH:+,$ODOO_ADDONS_PATH}"
db="trainlink_pot_$(date +%s)_$$"
trap 'dropdb --if-exists "$db" >/dev/null 2>&1 || true' EXIT

"$odoo_bin" --addons-path="$addons_path" -d "$db" -i "$(IFS=,; echo "${addons[*]}")" \
    --without-demo=all --stop-after-init --log-level=warn --http-port=0
for addon in "${addons[@]}"; do
    mkdir -p "$repo/addons/$addon/i18n"
    "$odoo_bin" --addons-path="$addons_path" -d "$db" --modules="$addon" \
        --i18n-export="$repo/addons/$addon/i18n/$addon.pot" --stop-after-init \
        --log-level=warn --http-port=0
    for po in "$repo/addons/$addon"/i18n/*.po; do
        [[ -f $po ]] || continue
        msgmerge --quiet --update --no-fuzzy-matching --backup=none "$po" \
            "$repo/addons/$addon/i18n/$addon.pot"
    done
    echo "Updated $addon.pot and merged it into: $(ls "$repo/addons/$addon"/i18n/*.po 2>/dev/null || echo 'no .po yet')"
done

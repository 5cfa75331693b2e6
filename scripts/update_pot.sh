#!/usr/bin/env bash
# Regenerate the add-on's translation template (i18n/trainlink_performance.pot)
# from an Odoo 18 you already have, then merge it into every .po file so new
# strings show up untranslated there (the repository tests fail until they
# are translated).
#
#   scripts/update_pot.sh            # ODOO_BIN, or odoo-bin/odoo on PATH
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
addon=trainlink_performance
odoo_bin="${ODOO_BIN:-$(command -v odoo-bin || command -v odoo || true)}"
[[ -n $odoo_bin ]] || { echo "No Odoo 18 found: set ODOO_BIN" >&2; exit 2; }
addons_path="$repo/addons${ODOO_ADDONS_PATH:+,$ODOO_ADDONS_PATH}"
db="trainlink_pot_$(date +%s)_$$"
trap 'dropdb --if-exists "$db" >/dev/null 2>&1 || true' EXIT

"$odoo_bin" --addons-path="$addons_path" -d "$db" -i "$addon" --without-demo=all \
    --stop-after-init --log-level=warn --http-port=0
"$odoo_bin" --addons-path="$addons_path" -d "$db" --modules="$addon" \
    --i18n-export="$repo/addons/$addon/i18n/$addon.pot" --stop-after-init \
    --log-level=warn --http-port=0
for po in "$repo/addons/$addon"/i18n/*.po; do
    msgmerge --quiet --update --no-fuzzy-matching --backup=none "$po" \
        "$repo/addons/$addon/i18n/$addon.pot"
done
echo "Updated $addon.pot and merged it into: $(ls "$repo/addons/$addon"/i18n/*.po)"

#!/bin/bash
# Create the TrainLink database with demo data and the add-on on first start;
# upgrade the add-on on later starts. Then create (or update) the sync worker's
# technical user: login trainlink_sync, portal-type, group TrainLink: Sync
# Worker, password TRAINLINK_SYNC_PASSWORD (demo default: trainlink-sync-demo).
# Runs inside the official odoo:18.0 image.
set -euo pipefail
db="${TRAINLINK_DB:-trainlink}"
export PGHOST=db PGUSER=odoo PGPASSWORD=odoo
export TRAINLINK_SYNC_PASSWORD="${TRAINLINK_SYNC_PASSWORD:-trainlink-sync-demo}"

if psql -d "$db" -tAc "select 1 from ir_module_module where name = 'trainlink_performance' and state = 'installed'" 2>/dev/null | grep -q 1; then
    echo "Database $db exists: upgrading trainlink_performance"
    odoo -c /etc/odoo/odoo.conf -d "$db" -u trainlink_performance --stop-after-init
else
    echo "Creating database $db with demo data and trainlink_performance"
    odoo -c /etc/odoo/odoo.conf -d "$db" -i trainlink_performance --stop-after-init
fi
echo "Creating or updating the sync worker's user"
odoo shell -c /etc/odoo/odoo.conf -d "$db" --no-http --log-level=warn \
    </opt/trainlink/create_sync_user.py

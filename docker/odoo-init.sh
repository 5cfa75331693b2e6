#!/bin/bash
# Create the TrainLink database with demo data and the add-on on first start;
# upgrade the add-on on later starts. Runs inside the official odoo:18.0 image.
set -euo pipefail
db="${TRAINLINK_DB:-trainlink}"
export PGHOST=db PGUSER=odoo PGPASSWORD=odoo

if psql -d "$db" -tAc "select 1 from ir_module_module where name = 'trainlink_performance' and state = 'installed'" 2>/dev/null | grep -q 1; then
    echo "Database $db exists: upgrading trainlink_performance"
    exec odoo -c /etc/odoo/odoo.conf -d "$db" -u trainlink_performance --stop-after-init
fi
echo "Creating database $db with demo data and trainlink_performance"
exec odoo -c /etc/odoo/odoo.conf -d "$db" -i trainlink_performance --stop-after-init

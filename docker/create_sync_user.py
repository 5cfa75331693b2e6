# Create or update the sync worker's technical user; run by odoo-init.sh as
#   odoo shell -d DB --no-http < create_sync_user.py
# (Odoo's shell gives `env`, as superuser, and rolls back what is not committed.)
#
# The user is portal-type (it cannot even read the employee directory) with the
# group "TrainLink: Sync Worker", the only rights the worker needs. Its login is
# TRAINLINK_SYNC_LOGIN (default trainlink_sync) and its password
# TRAINLINK_SYNC_PASSWORD. Running it again updates the same user: same login,
# groups reset to these two, password set to the current value.
import os

from odoo.fields import Command

login = os.environ.get("TRAINLINK_SYNC_LOGIN") or "trainlink_sync"
password = os.environ.get("TRAINLINK_SYNC_PASSWORD")
if not password:
    raise SystemExit("TRAINLINK_SYNC_PASSWORD is empty: set the sync user's password")

groups = env.ref("base.group_portal") | env.ref(  # noqa: F821 - given by odoo shell
    "trainlink_performance.group_trainlink_sync"
)
users = env["res.users"].with_context(  # noqa: F821
    active_test=False, no_reset_password=True
)
user = users.search([("login", "=", login)], limit=1)
values = {
    "name": "TrainLink Sync Worker",
    "active": True,
    "groups_id": [Command.set(groups.ids)],
}
if user:
    user.write(values)
    action = "updated"
else:
    user = users.create({**values, "login": login})
    action = "created"
user.password = password
env.cr.commit()  # noqa: F821
print(f"sync user {login!r} {action} (id {user.id}): portal, TrainLink: Sync Worker")

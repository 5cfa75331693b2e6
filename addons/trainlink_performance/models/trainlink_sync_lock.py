import secrets
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .trainlink_kpi_value import MAX_TEXT_LENGTH

# A lease longer than this is refused: a dead worker would block the next
# runs for too long.
MAX_LEASE_SECONDS = 24 * 3600


class TrainlinkSyncLock(models.Model):
    """One run of the sync worker at a time per company, enforced by the ERP
    (two workers on two hosts share no file). A worker holds the lock for a
    lease it renews as it goes (heartbeat); a lock whose lease ran out is
    free, so a killed worker never blocks the next run for good. Taking a
    lock closes the sync runs a previous holder left running as abandoned."""

    _name = "trainlink.sync.lock"
    _description = "Sync Worker Lock"

    name = fields.Char(required=True, default="worker")
    company_id = fields.Many2one("res.company", required=True)
    holder = fields.Char(help="Who holds the lock: host, process and run.")
    token = fields.Char(groups="base.group_system")
    acquired = fields.Datetime()
    lease_until = fields.Datetime()

    _sql_constraints = [
        (
            "name_company_uniq",
            "unique(name, company_id)",
            "A company has one sync lock of each name.",
        ),
    ]

    @api.model
    def api_acquire(self, holder, lease_seconds=900, name="worker"):
        """Take the lock for `lease_seconds`: {"ok": True, "token"} or, while
        another worker holds it, {"ok": False, "holder", "since", "until"}."""
        self.env["trainlink.kpi.value"]._check_sync_access()
        holder, lease, name = self._lock_arguments(holder, lease_seconds, name)
        lock = self._locked_row(name)
        now = fields.Datetime.now()
        if lock.token and lock.lease_until and lock.lease_until > now:
            return {
                "ok": False,
                "holder": lock.holder or "",
                "since": fields.Datetime.to_string(lock.acquired),
                "until": fields.Datetime.to_string(lock.lease_until),
            }
        self.env["trainlink.sync.run"]._abandon_running(lock.holder, lock.lease_until)
        token = secrets.token_hex(16)
        lock.write(
            {
                "holder": holder,
                "token": token,
                "acquired": now,
                "lease_until": now + timedelta(seconds=lease),
            }
        )
        return {"ok": True, "token": token}

    @api.model
    def api_renew(self, token, lease_seconds=900, name="worker"):
        """Extend the lease of a lock this token holds: {"ok"}; False (with
        the reason) when the lock was lost, e.g. after its lease ran out and
        another worker took it."""
        self.env["trainlink.kpi.value"]._check_sync_access()
        _holder, lease, name = self._lock_arguments("-", lease_seconds, name)
        lock = self._locked_row(name)
        if not token or lock.token != token:
            return {"ok": False, "reason": _("This worker no longer holds the lock.")}
        lock.lease_until = fields.Datetime.now() + timedelta(seconds=lease)
        return {"ok": True}

    @api.model
    def api_release(self, token, name="worker"):
        """Free the lock this token holds; releasing a lost lock is harmless."""
        self.env["trainlink.kpi.value"]._check_sync_access()
        _holder, _lease, name = self._lock_arguments("-", 1, name)
        lock = self._locked_row(name)
        if not token or lock.token != token:
            return {"ok": False, "reason": _("This worker no longer holds the lock.")}
        lock.write({"token": False, "lease_until": False})
        return {"ok": True}

    @api.model
    def _lock_arguments(self, holder, lease_seconds, name):
        if not isinstance(holder, str) or not holder.strip():
            raise UserError(_("Say who takes the lock (host, process)."))
        if (
            not isinstance(lease_seconds, int | float)
            or isinstance(lease_seconds, bool)
            or not 1 <= lease_seconds <= MAX_LEASE_SECONDS
        ):
            raise UserError(
                _(
                    "A lease lasts from 1 to %(max)s seconds.",
                    max=MAX_LEASE_SECONDS,
                )
            )
        if not isinstance(name, str) or not name.strip():
            raise UserError(_("A lock needs a name."))
        return (
            holder.strip()[:MAX_TEXT_LENGTH],
            lease_seconds,
            name.strip()[:MAX_TEXT_LENGTH],
        )

    @api.model
    def _locked_row(self, name):
        """The lock row of the caller's company, created if need be and locked
        for this transaction: a second worker waits here, then (Odoo retries
        a transaction that lost such a race) sees the first one's lease."""
        company = self.env.company
        self.env.cr.execute(
            SQL(
                """INSERT INTO trainlink_sync_lock
                          (name, company_id, create_uid, write_uid,
                           create_date, write_date)
                   VALUES (%s, %s, %s, %s, now() at time zone 'UTC',
                           now() at time zone 'UTC')
                   ON CONFLICT (name, company_id) DO NOTHING""",
                name,
                company.id,
                self.env.uid,
                self.env.uid,
            )
        )
        self.env.cr.execute(
            SQL(
                """SELECT id FROM trainlink_sync_lock
                    WHERE name = %s AND company_id = %s FOR UPDATE""",
                name,
                company.id,
            )
        )
        lock = self.sudo().browse(self.env.cr.fetchone()[0])
        lock.invalidate_recordset()
        return lock

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .trainlink_kpi_value import MAX_INTEGER, MAX_TEXT_LENGTH

# Lines of worker rejections kept in a run log; the count stays exact.
MAX_LOGGED_REJECTIONS = 1000


class TrainlinkSyncRun(models.Model):
    _name = "trainlink.sync.run"
    _description = "Sync Worker Run"
    _order = "started desc, id desc"

    name = fields.Char(compute="_compute_name", store=True)
    source = fields.Char(required=True, index=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    user_id = fields.Many2one(
        "res.users", default=lambda self: self.env.user, readonly=True
    )
    started = fields.Datetime(required=True, default=fields.Datetime.now)
    finished = fields.Datetime()
    state = fields.Selection(
        [
            ("running", "Running"),
            ("done", "Done"),
            ("failed", "Failed"),
            ("abandoned", "Abandoned"),
        ],
        default="running",
        required=True,
    )
    read_count = fields.Integer(string="Read")
    created_count = fields.Integer(string="Created")
    updated_count = fields.Integer(string="Updated")
    unchanged_count = fields.Integer(string="Unchanged")
    rejected_count = fields.Integer(string="Rejected")
    left_alone_count = fields.Integer(
        string="Trainings Left Alone",
        help="Completed trainings the worker did not measure again: nothing "
        "their measurement rests on (their peers, the figures of the months "
        "measured, the course's KPIs) changed since their last measurement.",
    )
    rejection_log = fields.Text(
        help="One line per rejected row: its position, key and reason."
    )
    error = fields.Text(help="Why the run failed, as reported by the worker.")
    consequence_pending_count = fields.Integer(
        string="Consequences to Release",
        compute="_compute_consequence_pending_count",
        help="Insufficient effects written by this run whose consequences wait "
        "for a training officer to release them.",
    )

    @api.depends("source", "started")
    def _compute_name(self):
        for run in self:
            run.name = f"{run.source} {fields.Datetime.to_string(run.started)}"

    def _compute_consequence_pending_count(self):
        counts = dict(
            self.env["trainlink.contribution"]._read_group(
                [("run_id", "in", self.ids), ("consequence_state", "=", "pending")],
                ["run_id"],
                ["__count"],
            )
        )
        for run in self:
            run.consequence_pending_count = counts.get(run, 0)

    def action_open_pending_consequences(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "trainlink_performance.trainlink_contribution_action_consequences"
        )
        action["domain"] = [("run_id", "=", self.id)]
        return action

    def _add_result(self, result):
        """Accumulate one upsert call's result into the run, if any."""
        if not self:
            return
        self.ensure_one()
        lines = []
        for rejection in result["rejected"]:
            lines.append(
                _(
                    "row %(row)s (%(key)s): %(reason)s",
                    row=rejection["row"],
                    key=rejection.get("external_key") or "-",
                    reason=rejection["reason"],
                )
            )
        self.write(
            {
                "read_count": self.read_count + result["read"],
                "created_count": self.created_count + result["created"],
                "updated_count": self.updated_count + result["updated"],
                "unchanged_count": self.unchanged_count + result["unchanged"],
                "rejected_count": self.rejected_count + len(result["rejected"]),
                "rejection_log": "\n".join(filter(None, [self.rejection_log, *lines])),
            }
        )

    @api.model
    def _abandon_running(self, holder=None, lease_until=None):
        """Close as abandoned the runs of the caller's company still running
        when a worker takes the lock: whoever ran them is gone."""
        runs = self.sudo().search(
            [("state", "=", "running"), ("company_id", "=", self.env.company.id)]
        )
        if not runs:
            return runs
        reason = (
            _(
                "Abandoned: the worker running it (%(holder)s) stopped without "
                "closing it; its lock expired at %(until)s UTC.",
                holder=holder,
                until=fields.Datetime.to_string(lease_until),
            )
            if holder and lease_until
            else _("Abandoned: the worker running it stopped without closing it.")
        )
        runs.write(
            {"state": "abandoned", "finished": fields.Datetime.now(), "error": reason}
        )
        return runs

    @api.model
    def _sync_run(self, run_id):
        """The open run of the caller's companies an upsert reports to, as
        superuser; empty when the worker names none (False or 0). Any other
        value is refused with a message, before anything is written."""
        if not run_id:
            return self.sudo().browse()
        if (
            not isinstance(run_id, int)
            or isinstance(run_id, bool)
            or not 0 < run_id <= MAX_INTEGER
        ):
            raise UserError(_("run_id must be the id of a sync run (an integer)."))
        run = self.sudo().browse(run_id).exists()
        if not run or run.company_id not in self.env.companies:
            raise UserError(_("Unknown sync run %(id)s.", id=run_id))
        if run.state != "running":
            raise UserError(
                _(
                    "Sync run %(id)s is already closed: start a new run.",
                    id=run_id,
                )
            )
        return run

    @api.model
    def api_start(self, source):
        """Open a run for the worker; returns its id."""
        self.env["trainlink.kpi.value"]._check_sync_access()
        if not isinstance(source, str) or not source.strip():
            raise UserError(_("A sync run needs the name of its source."))
        return self.sudo().create({"source": source.strip()[:MAX_TEXT_LENGTH]}).id

    @api.model
    def api_finish(self, run_id, error=None, rejections=None, left_alone=0):
        """Close a run, failed when the worker reports an error.

        `rejections`: rows the worker itself refused before sending anything
        (unparseable, unknown employee key...), as [{"record_id", "reason"}],
        so IT sees them in the run log beside the ones the API refused.
        `left_alone`: the completed trainings a contributions run did not
        measure again, their inputs unchanged (anything but a count >= 0 is
        taken as none).
        """
        self.env["trainlink.kpi.value"]._check_sync_access()
        try:
            run = self._sync_run(run_id)
        except UserError as refusal:
            return {"ok": False, "reason": str(refusal)}
        if not run:
            return {"ok": False, "reason": _("Unknown sync run %(id)s.", id=run_id)}
        if not isinstance(rejections, list):
            rejections = []
        lines = []
        for rejection in rejections[:MAX_LOGGED_REJECTIONS]:
            if isinstance(rejection, dict):
                lines.append(
                    _(
                        "worker, %(key)s: %(reason)s",
                        key=str(rejection.get("record_id") or "-")[:MAX_TEXT_LENGTH],
                        reason=str(rejection.get("reason") or "-")[:MAX_TEXT_LENGTH],
                    )
                )
        run.write(
            {
                "finished": fields.Datetime.now(),
                "state": "failed" if error else "done",
                "error": str(error) if error else False,
                "rejected_count": run.rejected_count + len(rejections),
                "rejection_log": "\n".join(filter(None, [run.rejection_log, *lines])),
                "left_alone_count": left_alone
                if isinstance(left_alone, int)
                and not isinstance(left_alone, bool)
                and 0 <= left_alone <= MAX_INTEGER
                else 0,
            }
        )
        return {"ok": True}

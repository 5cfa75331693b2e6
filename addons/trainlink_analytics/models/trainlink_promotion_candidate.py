from odoo import api, fields, models

from odoo.addons.trainlink_performance.models.trainlink_promotion_candidate import (
    TrainlinkPromotionCandidate as CoreCandidate,
)

GATES = [
    ("none", "None: Eligible"),
    ("courses", "Required Courses"),
    ("cases", "Practice Case"),
    ("performance", "Performance"),
    ("several", "Several Gates"),
]


class TrainlinkPromotionCandidate(models.Model):
    """The gates are checked as of today and not stored; for the analysis of
    candidates by gate missing, a daily job records which gate each candidate
    on a path still misses, with the day of the check."""

    _inherit = "trainlink.promotion.candidate"
    # Written by the daily check only.
    _trainlink_guarded_fields = CoreCandidate._trainlink_guarded_fields | {
        "gate_missing",
        "gates_checked_on",
    }

    gate_missing = fields.Selection(
        GATES,
        readonly=True,
        index=True,
        copy=False,
        help="The gate the candidate still missed at the last daily check.",
    )
    gates_checked_on = fields.Date(readonly=True, copy=False)

    def _gate_missing(self):
        self.ensure_one()
        missing = [
            gate
            for gate, met in (
                ("courses", self.courses_ok),
                ("cases", self.cases_ok),
                ("performance", self.performance_ok),
            )
            if not met
        ]
        if not missing:
            return "none"
        return missing[0] if len(missing) == 1 else "several"

    @api.model
    def _cron_check_gates(self):
        """Record, for every candidate on a path, the gate they miss today."""
        today = fields.Date.context_today(self)
        candidates = self.sudo().search([("state", "=", "path")])
        # The gates are computed as of today, never from a cached value.
        candidates.invalidate_recordset(["courses_ok", "cases_ok", "performance_ok"])
        by_gate = {}
        for candidate in candidates:
            by_gate.setdefault(candidate._gate_missing(), []).append(candidate.id)
        for gate, ids in by_gate.items():
            self.sudo().browse(ids).write(
                {"gate_missing": gate, "gates_checked_on": today}
            )
        left = self.sudo().search(
            [("state", "!=", "path"), ("gate_missing", "!=", False)]
        )
        left.write({"gate_missing": False, "gates_checked_on": False})

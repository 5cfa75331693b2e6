from markupsafe import Markup

from odoo import _, models

from .improvement_figures import format_figure, period_label


class TrainlinkKpiTarget(models.Model):
    _inherit = "trainlink.kpi.target"

    def write(self, vals):
        result = super().write(vals)
        if vals.get("state") == "closed":
            # A period closed: its missed targets open plans now, not at the
            # next run of the daily job.
            self.env["trainlink.improvement.plan"]._detect_missed_targets(
                self.sudo().employee_id
            )
        return result

    def _trainlink_plan_values(self):
        """A draft plan for this missed target: the gap of its period and a
        first goal, the same target over the plan's length."""
        self.ensure_one()
        label = period_label(self.period_start, self.period_end)
        return {
            "name": _(
                "%(kpi)s below target (%(period)s)", kpi=self.kpi_id.name, period=label
            ),
            "kpi_id": self.kpi_id.id,
            "problem": _(
                "%(period)s %(kpi)s: target %(target)s, actual %(actual)s = "
                "%(achievement)s %%.",
                period=label,
                kpi=self.kpi_id.name,
                target=format_figure(self.env, self.target_value, self.kpi_id.unit),
                actual=format_figure(self.env, self.actual_value, self.kpi_id.unit),
                achievement=round(self.achievement),
            ),
            "gap_start": self.period_start,
            "gap_end": self.period_end,
        }

    def _trainlink_plan_evidence(self, threshold):
        self.ensure_one()
        return Markup("<p>%s</p>") % _(
            "%(period)s target of %(kpi)s achieved at %(achievement)s %% "
            "(target %(target)s, actual %(actual)s), below the %(threshold)s %% "
            "that opens a plan.",
            period=period_label(self.period_start, self.period_end),
            kpi=self.kpi_id.display_name,
            achievement=round(self.achievement),
            target=format_figure(self.env, self.target_value, self.kpi_id.unit),
            actual=format_figure(self.env, self.actual_value, self.kpi_id.unit),
            threshold=threshold,
        )

import logging

from markupsafe import Markup

from odoo import _, models

from .improvement_figures import period_label

_logger = logging.getLogger(__name__)


class TrainlinkContribution(models.Model):
    _inherit = "trainlink.contribution"

    def _trainlink_pip_due(self):
        """Training effect insufficient on evidence: a draft plan per employee
        and training KPI (an inconclusive measurement never gets here)."""
        result = super()._trainlink_pip_due()
        Plan = self.env["trainlink.improvement.plan"].sudo()
        for contribution in self.sudo():
            employee = contribution.employee_id
            if not employee.active:
                _logger.info(
                    "No improvement plan for archived employee %s", employee.id
                )
                continue
            window = period_label(contribution.post_start, contribution.post_end)
            Plan._open_for_trigger(
                employee,
                "training_effect",
                f"effect:{contribution.attendance_id.id}:{contribution.kpi_id.id}",
                {
                    "name": _(
                        "%(kpi)s after %(course)s",
                        kpi=contribution.kpi_id.name,
                        course=contribution.course_id.name,
                    ),
                    "kpi_id": contribution.kpi_id.id,
                    "problem": _(
                        "After the course %(course)s, %(kpi)s moved %(net).1f %% "
                        "net of peers over %(window)s (95 %% interval %(low).1f to "
                        "%(high).1f %%): rated insufficient.",
                        course=contribution.course_id.name,
                        kpi=contribution.kpi_id.name,
                        net=contribution.net_lift,
                        window=window,
                        low=contribution.net_lift_low,
                        high=contribution.net_lift_high,
                    ),
                    "gap_start": contribution.post_start,
                    "gap_end": contribution.post_end,
                },
                Markup("<p>%s</p>")
                % _(
                    "Measured effect of %(course)s on %(kpi)s: %(net).1f %% net of "
                    "%(peers)s peers (95 %% interval %(low).1f to %(high).1f %%), "
                    "rated insufficient by the rule %(rule)s.",
                    course=contribution.course_id.name,
                    kpi=contribution.kpi_id.display_name,
                    net=contribution.net_lift,
                    peers=contribution.peer_count,
                    low=contribution.net_lift_low,
                    high=contribution.net_lift_high,
                    rule=contribution.rule_id.display_name,
                ),
            )
        return result

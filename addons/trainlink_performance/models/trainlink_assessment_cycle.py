from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .trainlink_course import JOB_FAMILIES

PERIOD_TYPES = [
    ("month", "Month"),
    ("quarter", "Quarter"),
    ("half_year", "Half-year"),
    ("year", "Year"),
]
PERIOD_MONTHS = {"month": 1, "quarter": 3, "half_year": 6, "year": 12}


def period_end(period_type, start):
    """Last day of the period of this type starting on `start`."""
    return start + relativedelta(months=PERIOD_MONTHS[period_type], days=-1)


class TrainlinkAssessmentCycle(models.Model):
    _name = "trainlink.assessment.cycle"
    _description = "Assessment Cycle"
    _order = "job_family"

    name = fields.Char(required=True, translate=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    job_family = fields.Selection(JOB_FAMILIES, required=True)
    line_ids = fields.One2many(
        "trainlink.assessment.cycle.line", "cycle_id", string="Periods", copy=True
    )

    _sql_constraints = [
        (
            "job_family_company_uniq",
            "unique(job_family, company_id)",
            "A job family has one assessment cycle per company.",
        ),
    ]

    @api.constrains("line_ids")
    def _check_weights(self):
        for cycle in self:
            total = sum(cycle.line_ids.mapped("weight"))
            if cycle.line_ids and abs(total - 100.0) > 0.01:
                raise ValidationError(
                    _(
                        "Cycle %(cycle)s: the period weights add up to %(total)s %%, "
                        "not 100 %%.",
                        cycle=cycle.name,
                        total=round(total, 2),
                    )
                )

    def _annual_score(self, scores):
        """Weighted annual result of one employee's period scores.

        Each period type of the cycle contributes the mean of its scores; the
        weights of period types without any score are left out.
        """
        self.ensure_one()
        weighted, weights = 0.0, 0.0
        for line in self.line_ids:
            of_type = scores.filtered(
                lambda s, period_type=line.period_type: (
                    s.period_type == period_type and s.band != "no_data"
                )
            )
            if of_type:
                mean = sum(of_type.mapped("final_score")) / len(of_type)
                weighted += line.weight * mean
                weights += line.weight
        return weighted / weights if weights else 0.0


class TrainlinkAssessmentCycleLine(models.Model):
    _name = "trainlink.assessment.cycle.line"
    _description = "Assessment Cycle Period"
    _order = "cycle_id, sequence, id"

    sequence = fields.Integer(default=10)
    cycle_id = fields.Many2one(
        "trainlink.assessment.cycle", required=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="cycle_id.company_id", store=True, index=True)
    period_type = fields.Selection(PERIOD_TYPES, required=True)
    weight = fields.Float(string="Weight (%)", required=True)

    _sql_constraints = [
        (
            "cycle_period_uniq",
            "unique(cycle_id, period_type)",
            "A cycle weighs each period type once.",
        ),
        (
            "weight_range",
            "CHECK(weight > 0 AND weight <= 100)",
            "A period weight is between 0 and 100 %.",
        ),
    ]

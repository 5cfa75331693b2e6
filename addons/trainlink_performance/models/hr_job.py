from odoo import fields, models

from .trainlink_course import JOB_FAMILIES


class HrJob(models.Model):
    _inherit = "hr.job"

    trainlink_job_family = fields.Selection(
        JOB_FAMILIES,
        string="Job Family",
        default="general",
        help="Decides the assessment cycle of the people in this job.",
    )

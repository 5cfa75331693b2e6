from odoo import fields, models


class TrainlinkCourseModuleKpi(models.Model):
    _name = "trainlink.course.module.kpi"
    _description = "KPI a Course Module Should Move"
    _order = "module_id, id"

    module_id = fields.Many2one(
        "trainlink.course.module", required=True, ondelete="cascade", index=True
    )
    course_id = fields.Many2one(related="module_id.course_id", store=True)
    kpi_id = fields.Many2one(
        "trainlink.kpi",
        string="KPI",
        required=True,
        ondelete="restrict",
        domain="[('company_id', '=', parent.company_id)]",
    )
    expected_lift = fields.Float(
        string="Expected Lift (%)",
        help="Improvement of the KPI expected from this module, in percent, "
        "in the direction where the KPI gets better.",
    )

    _sql_constraints = [
        (
            "module_kpi_uniq",
            "unique(module_id, kpi_id)",
            "A module lists each KPI only once.",
        ),
    ]

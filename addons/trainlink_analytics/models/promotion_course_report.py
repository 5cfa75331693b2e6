from odoo import fields, models, tools
from odoo.tools import SQL

from odoo.addons.trainlink_performance.models.trainlink_sql import course_share_query


class TrainlinkPromotionCourseReport(models.Model):
    """Which courses the promoted took: for each course, the share of the
    company's promoted employees who completed it against the share of all
    its employees who did. A share over too few promoted people is flagged,
    not compared."""

    _name = "trainlink.promotion.course.report"
    _description = "Courses of Promoted Employees"
    _auto = False
    _order = "promoted_share desc, course_id"
    _rec_name = "course_id"

    course_id = fields.Many2one("trainlink.course", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    promoted_trained_count = fields.Integer(
        string="Promoted Who Took It", readonly=True
    )
    promoted_count = fields.Integer(string="Promoted", readonly=True, aggregator="max")
    promoted_share = fields.Float(
        string="Share of Promoted (%)", readonly=True, aggregator="max"
    )
    employee_share = fields.Float(
        string="Share of All Employees (%)", readonly=True, aggregator="max"
    )
    ratio = fields.Float(
        string="Promoted vs All (x)",
        readonly=True,
        aggregator="max",
        help="How many times more often the promoted took the course than "
        "employees in general.",
    )
    too_few = fields.Boolean(
        string="Too Few Promoted",
        readonly=True,
        help="Fewer promoted employees than the company's minimum group size: the "
        "shares say little yet.",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        query = course_share_query(
            SQL(
                """
            SELECT DISTINCT employee_id
            FROM trainlink_promotion_candidate
            WHERE state = 'promoted'
            """
            )
        )
        self.env.cr.execute(
            SQL(
                """
            CREATE VIEW %s AS (
                SELECT id, course_id, company_id,
                       group_trained AS promoted_trained_count,
                       group_size AS promoted_count,
                       group_share AS promoted_share,
                       employee_share,
                       ratio,
                       group_size < min_group_size AS too_few
                FROM (%s) shares
            )
            """,
                SQL.identifier(self._table),
                query,
            )
        )

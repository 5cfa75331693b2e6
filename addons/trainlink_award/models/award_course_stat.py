from odoo import fields, models, tools
from odoo.tools import SQL

from odoo.addons.trainlink_performance.models.trainlink_sql import course_share_query


class TrainlinkAwardCourseStat(models.Model):
    """The common training history of award winners: for each course, the
    share of winners who completed it against the share of all employees
    (of the same company) who did."""

    _name = "trainlink.award.course.stat"
    _description = "Training History of Award Winners"
    _auto = False
    _order = "winner_share desc, course_id"

    course_id = fields.Many2one("trainlink.course", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    winner_count = fields.Integer(string="Winners Trained", readonly=True)
    winner_share = fields.Float(
        string="Share of Winners (%)", readonly=True, aggregator="max"
    )
    employee_share = fields.Float(
        string="Share of All Employees (%)", readonly=True, aggregator="max"
    )
    lift = fields.Float(
        string="Winners vs All (x)",
        readonly=True,
        aggregator="max",
        help="How many times more often winners took the course than employees "
        "in general.",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        query = course_share_query(
            SQL(
                """
            SELECT DISTINCT r.employee_id
            FROM trainlink_award_record r
            """
            )
        )
        self.env.cr.execute(
            SQL(
                """
            CREATE VIEW %s AS (
                SELECT id, course_id, company_id,
                       group_trained AS winner_count,
                       group_share AS winner_share,
                       employee_share,
                       ratio AS lift
                FROM (%s) shares
            )
            """,
                SQL.identifier(self._table),
                query,
            )
        )

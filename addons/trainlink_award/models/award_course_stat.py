from odoo import fields, models, tools


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
        self.env.cr.execute(
            f"""
            CREATE VIEW {self._table} AS (
                WITH trained AS (
                    SELECT DISTINCT a.course_id, a.employee_id, e.company_id
                    FROM trainlink_attendance a
                    JOIN hr_employee e ON e.id = a.employee_id
                    WHERE a.state = 'completed' AND e.active
                ), winners AS (
                    SELECT DISTINCT r.employee_id, e.company_id
                    FROM trainlink_award_record r
                    JOIN hr_employee e ON e.id = r.employee_id
                ), totals AS (
                    SELECT e.company_id,
                           COUNT(*) AS employees,
                           COUNT(w.employee_id) AS winners
                    FROM hr_employee e
                    LEFT JOIN winners w ON w.employee_id = e.id
                    WHERE e.active
                    GROUP BY e.company_id
                )
                SELECT row_number() OVER () AS id,
                       t.course_id,
                       t.company_id,
                       COUNT(w.employee_id) AS winner_count,
                       100.0 * COUNT(w.employee_id) / NULLIF(MAX(s.winners), 0)
                           AS winner_share,
                       100.0 * COUNT(*) / NULLIF(MAX(s.employees), 0)
                           AS employee_share,
                       (COUNT(w.employee_id)::float / NULLIF(MAX(s.winners), 0))
                       / NULLIF(COUNT(*)::float / NULLIF(MAX(s.employees), 0), 0)
                           AS lift
                FROM trained t
                JOIN totals s ON s.company_id = t.company_id
                LEFT JOIN winners w ON w.employee_id = t.employee_id
                GROUP BY t.course_id, t.company_id
                HAVING MAX(s.winners) > 0
            )
            """
        )

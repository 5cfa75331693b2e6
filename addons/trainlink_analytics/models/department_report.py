from odoo import fields, models, tools


class TrainlinkDepartmentReport(models.Model):
    """Each department's year: how many of its people trained, how many
    applied what they learned, and the KPI lift measured after the
    trainings (DOMAIN section 6's department indicators), year after year."""

    _name = "trainlink.department.report"
    _description = "Department Training Analysis"
    _auto = False
    _order = "date desc, department_id"
    _rec_name = "department_id"

    department_id = fields.Many2one("hr.department", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    date = fields.Date(string="Year", readonly=True)
    headcount = fields.Integer(
        readonly=True,
        aggregator="sum",
        help="Employees of the department today.",
    )
    participant_count = fields.Integer(
        string="Participants",
        readonly=True,
        help="Employees who completed at least one training of the year while in "
        "the department.",
    )
    participation_rate = fields.Float(
        string="Participation (%)",
        readonly=True,
        aggregator="avg",
        help="Participants / headcount, at most 100 %.",
    )
    completed_count = fields.Integer(string="Trainings Completed", readonly=True)
    application_rate = fields.Float(
        string="Application Rate (%)",
        readonly=True,
        aggregator="avg",
        help="Completed trainings with an application plan carried out / "
        "completed trainings.",
    )
    net_lift = fields.Float(
        string="Post-Training KPI Lift (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 2),
        help="Mean net lift of the contributions measured with enough data whose "
        "post window ended in the year.",
    )
    rated_count = fields.Integer(string="Measured With Enough Data", readonly=True)
    large_enough = fields.Boolean(
        readonly=True,
        help="The department has at least the company's minimum group size: its "
        "managers may see its figures without singling anyone out.",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            f"""
            CREATE VIEW {self._table} AS (
                WITH done AS (
                    SELECT a.department_id,
                           DATE_TRUNC('year', a.session_date)::date AS year,
                           COUNT(DISTINCT a.employee_id) AS participants,
                           COUNT(*) AS completed,
                           COUNT(*) FILTER (WHERE EXISTS (
                               SELECT 1 FROM trainlink_application_plan p
                               WHERE p.attendance_id = a.id AND p.state = 'done'
                           )) AS applied
                    FROM trainlink_attendance a
                    WHERE a.state = 'completed' AND a.department_id IS NOT NULL
                      AND a.session_date IS NOT NULL
                    GROUP BY 1, 2
                ), lift AS (
                    SELECT c.department_id,
                           DATE_TRUNC('year', c.post_end)::date AS year,
                           AVG(c.net_lift) FILTER (WHERE NOT c.low_confidence)
                               AS net_lift,
                           COUNT(*) FILTER (WHERE NOT c.low_confidence) AS rated
                    FROM trainlink_contribution c
                    WHERE c.department_id IS NOT NULL
                    GROUP BY 1, 2
                ), heads AS (
                    SELECT department_id, COUNT(*) AS headcount
                    FROM hr_employee
                    WHERE active AND department_id IS NOT NULL
                    GROUP BY department_id
                ), years AS (
                    SELECT department_id, year FROM done
                    UNION
                    SELECT department_id, year FROM lift
                )
                SELECT row_number() OVER (ORDER BY y.department_id, y.year) AS id,
                       y.department_id, d.company_id, y.year AS date,
                       COALESCE(h.headcount, 0) AS headcount,
                       COALESCE(done.participants, 0) AS participant_count,
                       LEAST(100.0, 100.0 * COALESCE(done.participants, 0)
                             / NULLIF(h.headcount, 0)) AS participation_rate,
                       COALESCE(done.completed, 0) AS completed_count,
                       100.0 * done.applied / NULLIF(done.completed, 0)
                           AS application_rate,
                       lift.net_lift,
                       COALESCE(lift.rated, 0) AS rated_count,
                       COALESCE(h.headcount, 0) >= co.trainlink_min_group_size
                           AS large_enough
                FROM years y
                JOIN hr_department d ON d.id = y.department_id
                JOIN res_company co ON co.id = d.company_id
                LEFT JOIN heads h ON h.department_id = y.department_id
                LEFT JOIN done
                    ON done.department_id = y.department_id AND done.year = y.year
                LEFT JOIN lift
                    ON lift.department_id = y.department_id AND lift.year = y.year
            )
            """
        )

    def action_view_trainings(self):
        """The department's trainings of the year behind the figures."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "trainlink_analytics.trainlink_training_report_action"
        )
        action["domain"] = [
            ("department_id", "=", self.department_id.id),
            ("date", ">=", self.date),
            ("date", "<", fields.Date.add(self.date, years=1)),
        ]
        action["context"] = {}
        return action

from odoo import fields, models, tools

from odoo.addons.trainlink_performance.models.trainlink_course import JOB_FAMILIES


class TrainlinkTrainingReport(models.Model):
    """One row per training (an employee's attendance of a session), with
    what it led to: completion, exam, application, measured net lift and
    money. The rates are means of 100/0 per training, left empty where they
    do not apply (no pass rate for a training not completed), so that any
    grouping (course, department, job, month) averages them right."""

    _name = "trainlink.training.report"
    _description = "Training Effectiveness Analysis"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "attendance_id"

    attendance_id = fields.Many2one("trainlink.attendance", readonly=True)
    employee_id = fields.Many2one("hr.employee", readonly=True)
    course_id = fields.Many2one("trainlink.course", readonly=True)
    session_id = fields.Many2one("trainlink.session", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    department_id = fields.Many2one(
        "hr.department", readonly=True, help="Department at enrolment."
    )
    job_id = fields.Many2one("hr.job", readonly=True)
    job_family = fields.Selection(
        JOB_FAMILIES, readonly=True, help="The course's job family."
    )
    date = fields.Date(string="Session Date", readonly=True)
    state = fields.Selection(
        [
            ("enrolled", "Enrolled"),
            ("attended", "Attended"),
            ("absent", "Absent"),
            ("completed", "Completed"),
        ],
        readonly=True,
    )
    completed_rate = fields.Float(
        string="Completion (%)",
        readonly=True,
        aggregator="avg",
        help="Share of the trainings that were completed.",
    )
    pass_rate = fields.Float(
        string="Pass Rate (%)",
        readonly=True,
        aggregator="avg",
        help="Share of the completed trainings whose exam was passed.",
    )
    application_rate = fields.Float(
        string="Application Rate (%)",
        readonly=True,
        aggregator="avg",
        help="Share of the completed trainings with an application plan carried out.",
    )
    checkin_count = fields.Integer(
        string="Check-ins", readonly=True, help="Application check-ins recorded."
    )
    hours = fields.Float(string="Hours Credited", readonly=True)
    exam_score = fields.Float(readonly=True, aggregator="avg")
    net_lift = fields.Float(
        string="Net Lift (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 2),
        help="Mean net KPI lift of the training's contributions measured with "
        "enough data; empty when none was.",
    )
    benefit = fields.Monetary(string="Measured Benefit", readonly=True)
    cost = fields.Monetary(readonly=True, help="The course's cost per seat.")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            f"""
            CREATE VIEW {self._table} AS (
                SELECT a.id, a.id AS attendance_id, a.employee_id, a.course_id,
                       a.session_id, a.company_id, a.department_id,
                       e.job_id, course.job_family, a.session_date AS date, a.state,
                       CASE WHEN a.state = 'completed' THEN 100.0 ELSE 0.0 END
                           AS completed_rate,
                       CASE WHEN a.state = 'completed'
                            THEN CASE WHEN a.passed THEN 100.0 ELSE 0.0 END
                       END AS pass_rate,
                       CASE WHEN a.state = 'completed'
                            THEN CASE WHEN plan.done THEN 100.0 ELSE 0.0 END
                       END AS application_rate,
                       COALESCE(plan.checkins, 0) AS checkin_count,
                       a.hours_credited AS hours,
                       a.exam_score,
                       contribution.net_lift,
                       COALESCE(contribution.benefit, 0) AS benefit,
                       COALESCE(course.cost_per_seat, 0) AS cost
                FROM trainlink_attendance a
                JOIN trainlink_course course ON course.id = a.course_id
                JOIN hr_employee e ON e.id = a.employee_id
                LEFT JOIN LATERAL (
                    SELECT BOOL_OR(p.state = 'done') AS done,
                           (SELECT COUNT(*) FROM trainlink_application_checkin ch
                            WHERE ch.plan_id = ANY(ARRAY_AGG(p.id))) AS checkins
                    FROM trainlink_application_plan p
                    WHERE p.attendance_id = a.id
                ) plan ON TRUE
                LEFT JOIN LATERAL (
                    SELECT AVG(c.net_lift) FILTER (WHERE NOT c.low_confidence)
                               AS net_lift,
                           SUM(c.benefit) AS benefit
                    FROM trainlink_contribution c
                    WHERE c.attendance_id = a.id
                ) contribution ON TRUE
                WHERE a.state != 'cancelled'
            )
            """
        )

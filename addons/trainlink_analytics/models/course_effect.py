from markupsafe import Markup

from odoo import _, api, fields, models, tools

from odoo.addons.trainlink_performance.models.trainlink_stats import t_critical

# Student's t of the 95 % interval for each whole number of degrees of
# freedom up to this one, written into the view; beyond it, the last value.
T_TABLE_DOF = 400


def t_values():
    """The 95 % critical values for 1 to T_TABLE_DOF degrees of freedom,
    computed by the same function as every other interval of the product."""
    return [t_critical(dof) for dof in range(1, T_TABLE_DOF + 1)]


class TrainlinkCourseEffect(models.Model):
    """What each course did to each KPI it aims at: how many took it and
    completed, passed and applied it, the mean net lift of the trainees
    measured with enough data, with its spread and 95 % interval, the share
    measured on thin data, the money the lift is worth against the course's
    cost, and a ranking that leaves thin data out.

    The interval is Student's t on the trainees' net lifts (n - 1 degrees of
    freedom), widened by the mean variance of their peers' lift, which the
    trainees of a comparison group share: the method of the course's "Effect
    by KPI" table."""

    _name = "trainlink.course.effect"
    _description = "Course Effectiveness"
    _auto = False
    _order = "thin_data, rank, mean_net_lift desc, course_id, kpi_id"
    _rec_name = "course_id"

    course_id = fields.Many2one("trainlink.course", readonly=True)
    kpi_id = fields.Many2one("trainlink.kpi", string="KPI", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    job_family = fields.Selection(
        related="course_id.job_family", store=True, readonly=True
    )
    enrolled_count = fields.Integer(
        string="Enrolled",
        readonly=True,
        help="Trainings of the course, cancelled ones left out.",
    )
    completion_rate = fields.Float(
        string="Completion (%)",
        readonly=True,
        aggregator="avg",
        help="Completed trainings / enrolled trainings.",
    )
    pass_rate = fields.Float(
        string="Pass Rate (%)",
        readonly=True,
        aggregator="avg",
        help="Completed trainings whose exam reached the course's passing score / "
        "completed trainings.",
    )
    application_rate = fields.Float(
        string="Application Rate (%)",
        readonly=True,
        aggregator="avg",
        help="Completed trainings with an application plan carried out / "
        "completed trainings.",
    )
    trainee_count = fields.Integer(
        string="Trainees Measured",
        readonly=True,
        help="Trainees whose effect on this KPI the sync worker measured.",
    )
    rated_count = fields.Integer(
        string="With Enough Data",
        readonly=True,
        help="Measured trainings with enough peers and months to be judged: the "
        "mean and its interval rest on these only.",
    )
    low_confidence_share = fields.Float(
        string="Thin Data (%)",
        readonly=True,
        aggregator="avg",
        help="Share of the measured trainings with too few peers or months.",
    )
    mean_net_lift = fields.Float(
        string="Mean Net Lift (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 2),
        help="Mean net lift of the trainees with enough data: their KPI's change "
        "minus their peers' over the same months, in points of percent.",
    )
    net_lift_stddev = fields.Float(
        string="Spread (Std. Dev.)",
        readonly=True,
        aggregator="avg",
        digits=(16, 2),
        help="Standard deviation of the trainees' net lifts.",
    )
    ci_low = fields.Float(
        string="95 % Interval Low",
        readonly=True,
        aggregator="avg",
        digits=(16, 2),
    )
    ci_high = fields.Float(
        string="95 % Interval High",
        readonly=True,
        aggregator="avg",
        digits=(16, 2),
    )
    has_interval = fields.Boolean(readonly=True)
    thin_data = fields.Boolean(
        string="Too Few Trainees",
        readonly=True,
        help="Fewer trainees with enough data than the company's minimum: the "
        "figure is shown but neither ranked nor used for alerts.",
    )
    rank = fields.Integer(
        readonly=True,
        aggregator="min",
        help="Place among the company's course-KPI pairs by mean net lift; 0 "
        "when there are too few trainees to rank.",
    )
    excellent_count = fields.Integer(string="Excellent", readonly=True)
    good_count = fields.Integer(string="Good", readonly=True)
    fair_count = fields.Integer(string="Fair", readonly=True)
    insufficient_count = fields.Integer(string="Insufficient", readonly=True)
    inconclusive_count = fields.Integer(string="Inconclusive", readonly=True)
    benefit = fields.Monetary(
        string="Measured Benefit",
        readonly=True,
        help="Sum of the money value of the trainings' net lift on this KPI, each "
        "with its basis (net lift x monthly baseline x months x unit value); "
        "thin data counts for nothing.",
    )
    cost = fields.Monetary(
        string="Course Cost",
        readonly=True,
        aggregator="max",
        help="Cost of all the course's sessions, cancelled ones left out.",
    )
    roi = fields.Float(
        string="ROI (x)",
        readonly=True,
        aggregator="avg",
        digits=(16, 2),
        help="Measured benefit on this KPI / course cost; 0 without cost.",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            f"""
            CREATE VIEW {self._table} AS (
                WITH att AS (
                    SELECT a.course_id, a.company_id,
                           COUNT(*) FILTER (WHERE a.state != 'cancelled') AS enrolled,
                           COUNT(*) FILTER (WHERE a.state = 'completed') AS completed,
                           COUNT(*) FILTER (
                               WHERE a.state = 'completed' AND a.passed
                           ) AS passed,
                           COUNT(*) FILTER (
                               WHERE a.state = 'completed' AND EXISTS (
                                   SELECT 1 FROM trainlink_application_plan p
                                   WHERE p.attendance_id = a.id AND p.state = 'done'
                               )
                           ) AS applied
                    FROM trainlink_attendance a
                    GROUP BY a.course_id, a.company_id
                ), cost AS (
                    SELECT course_id, company_id, SUM(cost) AS cost
                    FROM trainlink_session
                    WHERE state != 'cancelled'
                    GROUP BY course_id, company_id
                ), eff AS (
                    SELECT c.course_id, c.kpi_id, c.company_id,
                           COUNT(DISTINCT c.employee_id) AS trainees,
                           COUNT(*) AS measured,
                           COUNT(*) FILTER (WHERE NOT c.low_confidence) AS rated,
                           AVG(c.net_lift) FILTER (WHERE NOT c.low_confidence)
                               AS mean,
                           STDDEV_SAMP(c.net_lift) FILTER (
                               WHERE NOT c.low_confidence
                           ) AS sd,
                           AVG(c.peer_lift_se * c.peer_lift_se) FILTER (
                               WHERE NOT c.low_confidence
                           ) AS shared,
                           SUM(c.benefit) AS benefit,
                           COUNT(*) FILTER (WHERE c.rating = 'excellent') AS excellent,
                           COUNT(*) FILTER (WHERE c.rating = 'good') AS good,
                           COUNT(*) FILTER (WHERE c.rating = 'fair') AS fair,
                           COUNT(*) FILTER (
                               WHERE c.rating = 'insufficient'
                           ) AS insufficient,
                           COUNT(*) FILTER (
                               WHERE c.rating = 'inconclusive' OR c.rating IS NULL
                           ) AS inconclusive
                    FROM trainlink_contribution c
                    GROUP BY c.course_id, c.kpi_id, c.company_id
                ), t95 AS (
                    SELECT ordinality AS dof, t
                    FROM UNNEST(%(t_values)s::float[]) WITH ORDINALITY AS t
                ),
                measured AS (
                    SELECT e.*,
                           e.rated < co.trainlink_analytics_min_trainees AS thin,
                           COALESCE(t95.t, %(t_last)s)
                           * SQRT(COALESCE(e.sd * e.sd, 0) / NULLIF(e.rated, 0)
                                  + COALESCE(e.shared, 0)) AS half
                    FROM eff e
                    JOIN res_company co ON co.id = e.company_id
                    LEFT JOIN t95 ON t95.dof = e.rated - 1
                )
                SELECT row_number() OVER (
                           ORDER BY m.course_id, m.kpi_id, m.company_id
                       ) AS id,
                       m.course_id, m.kpi_id, m.company_id,
                       course.job_family,
                       COALESCE(att.enrolled, 0) AS enrolled_count,
                       100.0 * att.completed / NULLIF(att.enrolled, 0)
                           AS completion_rate,
                       100.0 * att.passed / NULLIF(att.completed, 0) AS pass_rate,
                       100.0 * att.applied / NULLIF(att.completed, 0)
                           AS application_rate,
                       m.trainees AS trainee_count,
                       m.rated AS rated_count,
                       100.0 * (m.measured - m.rated) / m.measured
                           AS low_confidence_share,
                       m.mean AS mean_net_lift,
                       m.sd AS net_lift_stddev,
                       CASE WHEN m.rated >= 2 THEN m.mean - m.half END AS ci_low,
                       CASE WHEN m.rated >= 2 THEN m.mean + m.half END AS ci_high,
                       m.rated >= 2 AS has_interval,
                       m.thin AS thin_data,
                       CASE WHEN m.thin THEN 0 ELSE RANK() OVER (
                           PARTITION BY m.company_id, m.thin
                           ORDER BY m.mean DESC
                       ) END AS rank,
                       m.excellent AS excellent_count,
                       m.good AS good_count,
                       m.fair AS fair_count,
                       m.insufficient AS insufficient_count,
                       m.inconclusive AS inconclusive_count,
                       m.benefit,
                       COALESCE(cost.cost, 0) AS cost,
                       COALESCE(m.benefit / NULLIF(cost.cost, 0), 0) AS roi
                FROM measured m
                JOIN trainlink_course course ON course.id = m.course_id
                LEFT JOIN att
                    ON att.course_id = m.course_id AND att.company_id = m.company_id
                LEFT JOIN cost
                    ON cost.course_id = m.course_id AND cost.company_id = m.company_id
            )
            """,
            {"t_values": t_values(), "t_last": t_critical(T_TABLE_DOF)},
        )

    # -- drill-down --

    def action_view_contributions(self):
        """The measured trainings behind the figure."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "trainlink_performance.trainlink_contribution_action_analysis"
        )
        action["domain"] = [
            ("course_id", "=", self.course_id.id),
            ("kpi_id", "=", self.kpi_id.id),
            ("company_id", "=", self.company_id.id),
        ]
        action["context"] = {}
        action["display_name"] = _(
            "%(course)s: %(kpi)s", course=self.course_id.name, kpi=self.kpi_id.name
        )
        return action

    def action_view_trainings(self):
        """The course's trainings behind the completion, pass and application
        rates."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "trainlink_analytics.trainlink_training_report_action"
        )
        action["domain"] = [
            ("course_id", "=", self.course_id.id),
            ("company_id", "=", self.company_id.id),
        ]
        action["context"] = {}
        return action

    # -- the alert --

    @api.model
    def _ineffective_domain(self):
        return [("thin_data", "=", False), ("has_interval", "=", True)]

    def _is_ineffective(self):
        """High completion, yet the data rule out a meaningful lift: even the
        top of the 95 % interval stays below the company's near-zero mark."""
        self.ensure_one()
        company = self.company_id
        return (
            (self.completion_rate or 0.0) >= company.trainlink_alert_completion
            and self.ci_high < company.trainlink_alert_lift
        )

    @api.model
    def _cron_alert_ineffective(self):
        """An activity on each course that trainees complete without moving
        its KPIs, for its training officer to revise or retire it; once per
        course while that activity is open."""
        rows = self.sudo().search(self._ineffective_domain())
        rows = rows.filtered(lambda row: row._is_ineffective())
        activity_type = self.env.ref(
            "trainlink_analytics.mail_activity_type_course_alert"
        )
        open_courses = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "trainlink.course"),
                    ("res_id", "in", rows.course_id.ids),
                    ("activity_type_id", "=", activity_type.id),
                ]
            )
            .mapped("res_id")
        )
        for course in rows.course_id:
            if course.id in open_courses:
                continue
            course_rows = rows.filtered(
                lambda row, course=course: row.course_id == course
            )
            user = course.responsible_id or self.env.ref("base.user_admin")
            course = course.sudo().with_context(lang=user.lang or self.env.lang)
            course_rows = course_rows.with_context(lang=user.lang or self.env.lang)
            course.activity_schedule(
                activity_type_id=activity_type.id,
                summary=_("Revise or retire: completed, but no measurable lift"),
                note=course_rows._alert_note(),
                user_id=user.id,
            )

    def _alert_note(self):
        line = Markup("<li>%s</li>")
        items = Markup()
        for row in self:
            items += line % _(
                "%(kpi)s: %(completion).0f %% completed, mean net lift %(mean)+.1f "
                "points, 95 %% interval [%(low)+.1f, %(high)+.1f] from %(count)s "
                "trainees",
                kpi=row.kpi_id.name,
                completion=row.completion_rate,
                mean=row.mean_net_lift,
                low=row.ci_low,
                high=row.ci_high,
                count=row.rated_count,
            )
        return Markup("<p>%s</p><ul>%s</ul>") % (
            _(
                "Trainees complete this course, but their KPIs did not move more "
                "than their peers': revise the course or retire it."
            ),
            items,
        )

from odoo import _, fields, models, tools

INDICATORS = [
    ("needs_matched", "Needs Matched by Courses (%)"),
    ("job_coverage", "Job-Specific Course Coverage (%)"),
    ("participation", "Participation (%)"),
    ("pass_rate", "Skill Pass Rate (%)"),
    ("application_rate", "Application Rate (%)"),
    ("kpi_lift", "Post-Training KPI Lift (%)"),
    ("roi", "ROI (x)"),
]


class TrainlinkProgramIndicator(models.Model):
    """The training program's targets (DOMAIN section 10), one row per
    company, indicator and year: the value, the company's goal, last year's
    value and the trend. A value resting on fewer records than the company's
    minimum group size is shown as too few, neither met nor missed.

    - needs matched: needs raised in the year (rejected ones left out) that a
      course answers / needs raised;
    - job coverage (this year only: it is today's catalogue): jobs that an
      active course targets / jobs of the company;
    - participation: employees who completed a training of the year / active
      employees;
    - pass rate, application rate: completed trainings of the year that passed
      the exam, that carried out their application plan / completed trainings;
    - KPI lift: mean net lift of the contributions measured with enough data
      whose post window ended in the year;
    - ROI: measured benefit of the year's trainings / cost of the year's
      sessions."""

    _name = "trainlink.program.indicator"
    _description = "Training Program Indicator"
    _auto = False
    _order = "date desc, sequence"
    _rec_name = "indicator"

    company_id = fields.Many2one("res.company", readonly=True)
    indicator = fields.Selection(INDICATORS, readonly=True)
    sequence = fields.Integer(readonly=True)
    date = fields.Date(string="Year", readonly=True)
    value = fields.Float(readonly=True, aggregator="avg", digits=(16, 2))
    goal = fields.Float(readonly=True, aggregator="avg", digits=(16, 2))
    previous_value = fields.Float(
        string="Last Year", readonly=True, aggregator="avg", digits=(16, 2)
    )
    trend = fields.Float(
        readonly=True,
        aggregator="avg",
        digits=(16, 2),
        help="Value minus last year's value.",
    )
    sample_size = fields.Integer(
        readonly=True, help="How many records the value rests on."
    )
    status = fields.Selection(
        [("met", "Goal Met"), ("missed", "Below Goal"), ("too_few", "Too Few Data")],
        readonly=True,
    )
    goal_met = fields.Boolean(readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            f"""
            CREATE VIEW {self._table} AS (
                WITH heads AS (
                    SELECT company_id, COUNT(*) AS headcount
                    FROM hr_employee WHERE active GROUP BY company_id
                ), completed AS (
                    SELECT a.*, DATE_TRUNC('year', a.session_date)::date AS year,
                           EXISTS (
                               SELECT 1 FROM trainlink_application_plan p
                               WHERE p.attendance_id = a.id AND p.state = 'done'
                           ) AS applied
                    FROM trainlink_attendance a
                    WHERE a.state = 'completed' AND a.session_date IS NOT NULL
                ), figures AS (
                    SELECT company_id, 'needs_matched' AS indicator,
                           DATE_TRUNC('year', create_date)::date AS year,
                           100.0 * COUNT(course_id) / COUNT(*) AS value,
                           COUNT(*) AS sample_size
                    FROM trainlink_need
                    WHERE state != 'rejected'
                    GROUP BY 1, 3
                  UNION ALL
                    SELECT j.company_id, 'job_coverage',
                           DATE_TRUNC('year', NOW())::date,
                           100.0 * COUNT(*) FILTER (WHERE EXISTS (
                               SELECT 1 FROM hr_job_trainlink_course_rel r
                               JOIN trainlink_course c ON c.id = r.trainlink_course_id
                               WHERE r.hr_job_id = j.id AND c.active
                           )) / COUNT(*),
                           COUNT(*)
                    FROM hr_job j
                    WHERE j.active AND j.company_id IS NOT NULL
                    GROUP BY 1
                  UNION ALL
                    SELECT c.company_id, 'participation', c.year,
                           LEAST(100.0, 100.0 * COUNT(DISTINCT c.employee_id)
                                 FILTER (WHERE e.active)
                                 / NULLIF(MAX(h.headcount), 0)),
                           MAX(h.headcount)
                    FROM completed c
                    JOIN hr_employee e ON e.id = c.employee_id
                    JOIN heads h ON h.company_id = c.company_id
                    GROUP BY 1, 3
                  UNION ALL
                    SELECT company_id, 'pass_rate', year,
                           100.0 * COUNT(*) FILTER (WHERE passed) / COUNT(*), COUNT(*)
                    FROM completed GROUP BY 1, 3
                  UNION ALL
                    SELECT company_id, 'application_rate', year,
                           100.0 * COUNT(*) FILTER (WHERE applied) / COUNT(*), COUNT(*)
                    FROM completed GROUP BY 1, 3
                  UNION ALL
                    SELECT company_id, 'kpi_lift',
                           DATE_TRUNC('year', post_end)::date,
                           AVG(net_lift), COUNT(*)
                    FROM trainlink_contribution
                    WHERE NOT low_confidence
                    GROUP BY 1, 3
                  UNION ALL
                    SELECT s.company_id, 'roi', s.year,
                           COALESCE(MAX(b.benefit), 0) / NULLIF(SUM(s.cost), 0),
                           COALESCE(MAX(b.rated), 0)
                    FROM (
                        SELECT company_id, cost,
                               DATE_TRUNC('year', date_start)::date AS year
                        FROM trainlink_session WHERE state != 'cancelled'
                    ) s
                    LEFT JOIN (
                        SELECT a.company_id,
                               DATE_TRUNC('year', a.session_date)::date AS year,
                               SUM(c.benefit) AS benefit,
                               COUNT(*) FILTER (WHERE NOT c.low_confidence) AS rated
                        FROM trainlink_contribution c
                        JOIN trainlink_attendance a ON a.id = c.attendance_id
                        GROUP BY 1, 2
                    ) b ON b.company_id = s.company_id AND b.year = s.year
                    GROUP BY 1, 3
                    HAVING SUM(s.cost) > 0
                ), goals AS (
                    SELECT f.*,
                           CASE f.indicator
                               WHEN 'needs_matched' THEN co.trainlink_goal_needs_matched
                               WHEN 'job_coverage' THEN co.trainlink_goal_job_coverage
                               WHEN 'participation' THEN co.trainlink_goal_participation
                               WHEN 'pass_rate' THEN co.trainlink_goal_pass_rate
                               WHEN 'application_rate'
                                   THEN co.trainlink_goal_application_rate
                               WHEN 'kpi_lift' THEN co.trainlink_goal_kpi_lift
                               WHEN 'roi' THEN co.trainlink_goal_roi
                           END AS goal,
                           f.sample_size < co.trainlink_min_group_size AS too_few
                    FROM figures f
                    JOIN res_company co ON co.id = f.company_id
                    WHERE f.company_id IS NOT NULL AND f.year IS NOT NULL
                )
                SELECT row_number() OVER (
                           ORDER BY g.company_id, g.indicator, g.year
                       ) AS id,
                       g.company_id, g.indicator,
                       ARRAY_POSITION(%(codes)s::varchar[], g.indicator::varchar)
                           AS sequence,
                       g.year AS date, g.value, g.goal,
                       p.value AS previous_value,
                       g.value - p.value AS trend,
                       g.sample_size,
                       CASE WHEN g.too_few THEN 'too_few'
                            WHEN g.value >= g.goal THEN 'met'
                            ELSE 'missed' END AS status,
                       NOT g.too_few AND g.value >= g.goal AS goal_met
                FROM goals g
                LEFT JOIN figures p
                    ON p.company_id = g.company_id AND p.indicator = g.indicator
                   AND p.year = (g.year - INTERVAL '1 year')::date
            )
            """,
            {"codes": [code for code, _label in INDICATORS]},
        )

    # -- drill-down --

    def _records_domain(self):
        """The model and domain of the records the value rests on."""
        self.ensure_one()
        start = self.date
        end = fields.Date.add(start, years=1)
        company = [("company_id", "=", self.company_id.id)]
        completed = [
            *company,
            ("state", "=", "completed"),
            ("date", ">=", start),
            ("date", "<", end),
        ]
        return {
            "needs_matched": (
                "trainlink.need",
                [
                    *company,
                    ("state", "!=", "rejected"),
                    ("create_date", ">=", start),
                    ("create_date", "<", end),
                ],
            ),
            "job_coverage": ("hr.job", company),
            "participation": ("trainlink.training.report", completed),
            "pass_rate": ("trainlink.training.report", completed),
            "application_rate": ("trainlink.training.report", completed),
            "kpi_lift": (
                "trainlink.contribution",
                [
                    *company,
                    ("low_confidence", "=", False),
                    ("post_end", ">=", start),
                    ("post_end", "<", end),
                ],
            ),
            "roi": (
                "trainlink.contribution",
                [
                    *company,
                    ("low_confidence", "=", False),
                    ("attendance_id.session_date", ">=", start),
                    ("attendance_id.session_date", "<", end),
                ],
            ),
        }[self.indicator]

    def action_view_records(self):
        """The records behind the figure."""
        self.ensure_one()
        model, domain = self._records_domain()
        return {
            "type": "ir.actions.act_window",
            "name": _(
                "%(indicator)s: %(year)s",
                indicator=dict(
                    self._fields["indicator"]._description_selection(self.env)
                )[self.indicator],
                year=self.date.year,
            ),
            "res_model": model,
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": domain,
            "context": {"create": False},
        }

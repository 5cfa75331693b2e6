from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_contribution import ContributionCase

SCORE_FIELDS = (
    "kpi_score",
    "has_kpi_data",
    "training_score",
    "has_training",
    "bonus",
    "final_score",
    "band",
    "annual_score",
)


@tagged("post_install", "-at_install")
class TestScoreWizard(ContributionCase):
    """Who the Compute Scores wizard scores, and what it computes.

    Sales (Mia, Eric, Emma, Max Mentor) has a sub-department East (Lena);
    Emma and Lena are sellers, Otto (Plant) an engineer. Q2 2026: Emma,
    Eric, Lena and Otto have agreed targets of several KPIs with values in
    and around their periods; Emma and Lena have rated trainings."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Score = cls.env["trainlink.performance.score"]
        cls.east = cls.env["hr.department"].create(
            {"name": "TL Sales East", "parent_id": cls.department.id}
        )
        cls.seller, cls.engineer = cls.env["hr.job"].create(
            [
                {"name": "TL Seller", "trainlink_job_family": "sales"},
                {"name": "TL Engineer", "trainlink_job_family": "rnd"},
            ]
        )
        cls.lena = cls.env["hr.employee"].create(
            {"name": "Lena", "department_id": cls.east.id, "job_id": cls.seller.id}
        )
        cls.emma.job_id = cls.seller
        cls.otto.job_id = cls.engineer
        cls.kpi_backlog = cls.env["trainlink.kpi"].create(
            {
                "code": "TL_BACKLOG",
                "name": "Backlog",
                "direction": "lower",
                "aggregation": "last",
            }
        )
        cls.value_count = 0
        for employee, revenue, complaints, backlog in (
            (cls.emma, 90.0, 2.0, 12.0),
            (cls.eric, 130.0, 6.0, 3.0),
            (cls.lena, 400.0, 0.0, 8.0),
            (cls.otto, 20.0, 5.0, 0.0),
        ):
            cls._agreed_target(employee, cls.kpi_revenue, 100.0)
            cls._agreed_target(employee, cls.kpi_complaints, 4.0)
            cls._agreed_target(employee, cls.kpi_backlog, 10.0)
            for month in (4, 5):
                cls._value(employee, cls.kpi_revenue, month, revenue / 2)
                cls._value(employee, cls.kpi_complaints, month, complaints + month)
                cls._value(employee, cls.kpi_backlog, month, backlog + 5 - month)
            # Outside the quarter: counted by no Q2 target.
            cls._value(employee, cls.kpi_revenue, 7, 1000.0)
        # A May target of Eric's inside the quarter, and one of next quarter.
        cls._agreed_target(cls.eric, cls.kpi_revenue, 50.0, "month", "2026-05-01")
        cls._agreed_target(cls.eric, cls.kpi_revenue, 10.0, "quarter", "2026-07-01")
        # A target without any value in its period leaves the KPI part out.
        cls._agreed_target(cls.mentor, cls.kpi_revenue, 100.0, "month", "2026-06-01")
        cls._contribution()  # Emma: excellent, +5
        cls._contribution(kpi=cls.kpi_complaints, post_value=95.0)
        lena_training = cls._completed_attendance(cls.lena)
        cls._contribution(attendance=lena_training, post_value=107.0)
        cls._contribution(
            attendance=lena_training,
            post_start="2026-07-01",
            post_end="2026-09-30",
        )

    @classmethod
    def _agreed_target(
        cls, employee, kpi, value, period_type="quarter", start="2026-04-01"
    ):
        return cls.env["trainlink.kpi.target"].create(
            {
                "kpi_id": kpi.id,
                "level": "employee",
                "employee_id": employee.id,
                "period_type": period_type,
                "period_start": start,
                "target_value": value,
                "state": "agreed",
            }
        )

    @classmethod
    def _value(cls, employee, kpi, month, value):
        cls.value_count += 1
        start = fields.Date.to_date(f"2026-{month:02d}-01")
        return cls.env["trainlink.kpi.value"].create(
            {
                "employee_id": employee.id,
                "kpi_id": kpi.id,
                "company_id": cls.company.id,
                "period_start": start,
                "period_end": fields.Date.end_of(start, "month"),
                "value": value,
                "source": "test",
                "external_key": f"wizard-{cls.value_count}",
            }
        )

    def _wizard(self, **values):
        return (
            self.env["trainlink.score.wizard"]
            .with_user(self.user_hr)
            .create({"period_type": "quarter", "period_start": "2026-04-01", **values})
        )

    def _company_employees(self):
        return self.env["hr.employee"].search([("company_id", "=", self.company.id)])

    def _values(self, scores):
        return {
            score.employee_id: [score[name] for name in SCORE_FIELDS]
            for score in scores
        }

    # ------------------------------------------------------------ who --

    def test_scope_company_scores_every_employee_of_the_company(self):
        wizard = self._wizard()
        self.assertEqual(wizard.scope, "company")
        everyone = self._company_employees()
        self.assertEqual(wizard.employee_count, len(everyone))
        self.assertEqual(wizard._employees(), everyone)

    def test_scope_department_includes_sub_departments(self):
        wizard = self._wizard(
            scope="department", department_ids=[fields.Command.set(self.department.ids)]
        )
        sales = self.mia | self.eric | self.emma | self.mentor | self.lena
        self.assertEqual(wizard._employees(), sales)
        self.assertEqual(wizard.employee_count, 5)
        wizard.department_ids = self.east | self.other_department
        self.assertEqual(wizard._employees(), self.lena | self.otto)
        self.assertEqual(wizard.employee_count, 2)

    def test_scope_job(self):
        wizard = self._wizard(
            scope="job", job_ids=[fields.Command.set(self.seller.ids)]
        )
        self.assertEqual(wizard._employees(), self.emma | self.lena)
        self.assertEqual(wizard.employee_count, 2)
        wizard.job_ids |= self.engineer
        self.assertEqual(wizard.employee_count, 3)

    def test_scope_hand_picked(self):
        wizard = self._wizard(
            scope="employee",
            employee_ids=[fields.Command.set((self.otto | self.eric).ids)],
        )
        self.assertEqual(wizard._employees(), self.otto | self.eric)
        self.assertEqual(wizard.employee_count, 2)
        action = wizard.action_compute()
        scores = self.Score.search(action["domain"])
        self.assertEqual(scores.employee_id, self.otto | self.eric)

    def test_only_the_chosen_scope_counts(self):
        """Departments chosen before switching to jobs are not scored."""
        wizard = self._wizard(
            scope="job",
            job_ids=[fields.Command.set(self.engineer.ids)],
            department_ids=[fields.Command.set(self.department.ids)],
        )
        self.assertEqual(wizard._employees(), self.otto)

    def test_one_department_as_before_chooses_the_department_scope(self):
        wizard = self._wizard(department_id=self.east.id)
        self.assertEqual(wizard.scope, "department")
        self.assertEqual(wizard.department_ids, self.east)
        self.assertEqual(wizard.employee_count, 1)

    def test_nothing_chosen_is_refused_by_name(self):
        for scope, message in (
            ("department", "Choose at least one department"),
            ("job", "Choose at least one job"),
            ("employee", "Choose at least one employee"),
        ):
            wizard = self._wizard(scope=scope)
            self.assertEqual(wizard.employee_count, 0)
            with self.assertRaisesRegex(UserError, message):
                wizard.action_compute()
        empty = self.env["hr.department"].create({"name": "TL Empty"})
        wizard = self._wizard(
            scope="department", department_ids=[fields.Command.set(empty.ids)]
        )
        with self.assertRaisesRegex(UserError, "works in TL Empty"):
            wizard.action_compute()
        unused = self.env["hr.job"].create({"name": "TL Astronaut"})
        wizard = self._wizard(scope="job", job_ids=[fields.Command.set(unused.ids)])
        with self.assertRaisesRegex(UserError, "holds the job TL Astronaut"):
            wizard.action_compute()
        self.assertFalse(self.Score.search([("period_start", "=", "2026-04-01")]))

    # ----------------------------------------------------------- what --

    def test_training_officer_without_hr_rights_scores_a_year_by_job(self):
        """Job positions are HR data: the wizard reads the chosen ones for
        a training officer who may not."""
        wizard = self._wizard(
            scope="job",
            job_ids=[fields.Command.set(self.seller.ids)],
            period_type="year",
        ).with_user(self.user_officer)
        self.assertFalse(self.user_officer.has_group("hr.group_hr_user"))
        self.assertEqual(wizard.employee_count, 2)
        # As in a new request: nothing read by the superuser in the cache.
        self.env.invalidate_all()
        scores = self.Score.search(wizard.action_compute()["domain"])
        self.assertEqual(scores.employee_id, self.emma | self.lena)
        # No other period score of theirs in the year: the year's own.
        for score in scores:
            self.assertEqual(score.annual_score, score.final_score)
            self.assertNotEqual(score.band, "no_data")

    def test_batch_scores_equal_the_scores_computed_one_by_one(self):
        people = self.emma | self.eric | self.lena | self.otto | self.mentor | self.mia
        for period_type in ("quarter", "year"):
            wizard = self._wizard(
                scope="employee",
                employee_ids=[fields.Command.set(people.ids)],
                period_type=period_type,
            )
            batch = self.Score.search(wizard.action_compute()["domain"])
            self.assertEqual(batch.employee_id, people)
            expected = self._values(batch)
            batch.unlink()
            one_by_one = self.Score
            for employee in people:
                one_by_one |= self.Score._generate(period_type, "2026-04-01", employee)
            self.assertEqual(self._values(one_by_one), expected, period_type)
        # Every case is met: both parts, KPI only, training only, nothing.
        bands = {e: values[6] for e, values in expected.items()}
        self.assertEqual(bands[self.mentor], "no_data")
        self.assertNotIn(bands[self.otto], ("no_data", "training_only"))
        self.assertTrue(expected[self.emma][1] and expected[self.emma][3])

    def test_kpi_part_follows_each_target_achievement(self):
        """The batch's KPI part is the mean capped achievement the targets
        compute themselves, target by target."""
        wizard = self._wizard(
            scope="department", department_ids=[fields.Command.set(self.department.ids)]
        )
        scores = self.Score.search(wizard.action_compute()["domain"])
        Target = self.env["trainlink.kpi.target"]
        for score in scores:
            pairs = Target._achievement_for(
                score.employee_id, score.period_start, score.period_end
            )
            achievements = [min(a, 150.0) for t, a in pairs if t.has_actual]
            self.assertEqual(score.has_kpi_data, bool(achievements))
            if achievements:
                self.assertAlmostEqual(
                    score.kpi_score, sum(achievements) / len(achievements)
                )
        eric = scores.filtered(lambda s: s.employee_id == self.eric)
        # Eric's three Q2 targets and his May target, not next quarter's.
        self.assertEqual(
            len(Target._achievement_for(self.eric, "2026-04-01", "2026-06-30")), 4
        )
        self.assertTrue(eric.has_kpi_data)

    # ----------------------------------------------------------- cost --

    def _team(self, name, size):
        department = self.env["hr.department"].create({"name": name})
        employees = self.env["hr.employee"].create(
            [
                {"name": f"{name} {n}", "department_id": department.id}
                for n in range(size)
            ]
        )
        session = self._session()
        attendances = self.env["trainlink.attendance"].create(
            [
                {"session_id": session.id, "employee_id": employee.id}
                for employee in employees
            ]
        )
        attendances.action_mark_present()
        attendances.action_complete()
        for employee, attendance in zip(employees, attendances, strict=True):
            self._agreed_target(employee, self.kpi_revenue, 100.0)
            self._agreed_target(employee, self.kpi_backlog, 5.0)
            self._value(employee, self.kpi_revenue, 5, 80.0)
            self._value(employee, self.kpi_backlog, 6, 4.0)
            self._contribution(attendance=attendance)
        return department

    def _queries_to_score(self, department):
        wizard = self._wizard(
            scope="department", department_ids=[fields.Command.set(department.ids)]
        )
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        scores = self.Score.search(wizard.action_compute()["domain"])
        self.env.flush_all()
        count = self.env.cr.sql_log_count - before
        self.assertEqual(scores.employee_id.department_id, department)
        self.assertTrue(all(scores.mapped("has_kpi_data")))
        self.assertTrue(all(scores.mapped("has_training")))
        return count

    def test_queries_do_not_grow_with_the_employees(self):
        """Scoring twice the employees costs about the same queries: a query
        per employee (a search or a write each) fails this."""
        size = 12
        warm_up, small, large = (
            self._team(name, n)
            for name, n in (("TL Warm", 2), ("TL Small", size), ("TL Large", 2 * size))
        )
        self._queries_to_score(warm_up)
        first_small = self._queries_to_score(small)
        first_large = self._queries_to_score(large)
        self.assertLess(first_large - first_small, size / 2)
        # Computing again refreshes the drafts: still no query per employee.
        again_small = self._queries_to_score(small)
        again_large = self._queries_to_score(large)
        self.assertLess(again_large - again_small, size / 2)

from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import TrainlinkCase
from .common_contribution import ContributionCase


@tagged("post_install", "-at_install")
class TestPerformanceScore(TrainlinkCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Score = cls.env["trainlink.performance.score"]
        cls.q1 = {"period_type": "quarter", "period_start": "2026-01-01"}

    def _score(self, employee, **values):
        return self.Score.create({"employee_id": employee.id, **self.q1, **values})

    def test_period_end_follows_period_type(self):
        self.assertEqual(str(self._score(self.emma).period_end), "2026-03-31")
        month = self._score(self.emma, period_type="month", period_start="2026-02-01")
        self.assertEqual(str(month.period_end), "2026-02-28")
        year = self._score(self.emma, period_type="year")
        self.assertEqual(str(year.period_end), "2026-12-31")

    def test_training_weight_defaults_to_company_setting_within_0_50(self):
        self.assertEqual(self._score(self.emma).training_weight, 30.0)
        self.company.trainlink_training_weight = 35.0
        self.assertEqual(self._score(self.eric).training_weight, 35.0)
        with self.assertRaisesRegex(ValidationError, "between 0 and 50"):
            self._score(self.otto, training_weight=51)
        with self.assertRaisesRegex(ValidationError, "between 0 and 50"):
            self.company.trainlink_training_weight = -1

    def test_no_kpi_data_and_no_training_gives_no_data_band(self):
        score = self._score(self.emma)
        score.action_compute()
        self.assertEqual(score.band, "no_data")
        self.assertEqual(score.final_score, 0.0)
        self.assertFalse(score.has_kpi_data or score.has_training)

    @mute_logger("odoo.sql_db")
    def test_one_score_per_employee_and_period(self):
        self._score(self.emma)
        with self.assertRaises(IntegrityError):
            self._score(self.emma)

    def test_bands(self):
        band = self.Score._band
        self.assertEqual(
            [band(v) for v in (120, 100, 99.9, 85, 70, 69.9)],
            ["excellent", "excellent", "good", "good", "meets", "below"],
        )

    def test_cycle_weights_must_add_up_to_100(self):
        sales = self.env.ref("trainlink_performance.assessment_cycle_sales")
        with self.assertRaisesRegex(ValidationError, "add up to 90"):
            sales.write(
                {
                    "line_ids": [
                        fields.Command.clear(),
                        fields.Command.create({"period_type": "month", "weight": 40}),
                        fields.Command.create({"period_type": "year", "weight": 50}),
                    ]
                }
            )
        self.assertEqual(sorted(sales.line_ids.mapped("weight")), [40.0, 60.0])

    def test_default_cycles_follow_domain(self):
        sales = self.env.ref("trainlink_performance.assessment_cycle_sales")
        self.assertEqual(
            {line.period_type: line.weight for line in sales.line_ids},
            {"month": 40.0, "year": 60.0},
        )
        rnd = self.env.ref("trainlink_performance.assessment_cycle_rnd")
        self.assertEqual(sum(rnd.line_ids.mapped("weight")), 100.0)

    def test_new_company_gets_own_copies_of_default_rule_and_cycles(self):
        Rule = self.env["trainlink.contribution.rule"]
        Cycle = self.env["trainlink.assessment.cycle"]
        default_rule = self.env.ref(
            "trainlink_performance.trainlink_contribution_rule_default"
        )
        branch = self.env["res.company"].create({"name": "TL Branch"})
        rule = Rule.search([("company_id", "=", branch.id)])
        self.assertEqual(len(rule), 1)
        self.assertFalse(rule.course_id or rule.kpi_id)
        self.assertEqual(
            (rule.threshold_excellent, rule.threshold_good, rule.bonus_excellent),
            (15.0, 5.0, 5.0),
        )
        cycles = Cycle.search([("company_id", "=", branch.id)])
        self.assertEqual(
            sorted(cycles.mapped("job_family")),
            ["general", "management", "operations", "rnd", "sales"],
        )
        sales = cycles.filtered(lambda c: c.job_family == "sales")
        self.assertEqual(sorted(sales.line_ids.mapped("weight")), [40.0, 60.0])
        # The branch tunes its copy; the main company's rule stays as it was.
        rule.threshold_excellent = 20.0
        self.assertEqual(default_rule.threshold_excellent, 15.0)
        # Running it again adds nothing, even when the copy is archived.
        rule.active = False
        branch._trainlink_copy_defaults()
        self.assertEqual(
            Rule.with_context(active_test=False).search_count(
                [("company_id", "=", branch.id)]
            ),
            1,
        )
        self.assertEqual(Cycle.search_count([("company_id", "=", branch.id)]), 5)

    def test_install_gives_existing_companies_the_defaults(self):
        """What the install runs for companies that existed before it."""
        branch = self.env["res.company"].create({"name": "TL Old Branch"})
        Rule = self.env["trainlink.contribution.rule"]
        Cycle = self.env["trainlink.assessment.cycle"]
        mine = [("company_id", "=", branch.id)]
        Rule.search(mine).unlink()
        Cycle.search(mine).unlink()
        main_rules = Rule.search_count([("company_id", "=", self.company.id)])
        self.env["res.company"]._trainlink_copy_defaults_all()
        self.assertEqual(Rule.search_count(mine), 1)
        self.assertEqual(Cycle.search_count(mine), 5)
        self.assertEqual(
            Rule.search_count([("company_id", "=", self.company.id)]), main_rules
        )

    def test_annual_score_weights_period_scores_by_cycle(self):
        job = self.env["hr.job"].create(
            {"name": "TL seller", "trainlink_job_family": "sales"}
        )
        self.emma.job_id = job
        months = self.Score
        for month, final, band in (
            ("2026-01-01", 80.0, "meets"),
            ("2026-02-01", 100.0, "excellent"),
        ):
            score = self._score(self.emma, period_type="month", period_start=month)
            score.write({"final_score": final, "band": band})
            months |= score
        year = self._score(self.emma, period_type="year")
        year.write({"final_score": 70.0, "band": "meets"})
        cycle = self.env.ref("trainlink_performance.assessment_cycle_sales")
        # months average 90 weighted 40 %, the year itself 70 weighted 60 %
        self.assertAlmostEqual(cycle._annual_score(months | year), 0.4 * 90 + 0.6 * 70)

    def test_score_rule_employee_sees_own_only(self):
        mine, other = self._score(self.emma), self._score(self.otto)
        found = self.Score.with_user(self.user_emma).search(
            [("id", "in", (mine | other).ids)]
        )
        self.assertEqual(found, mine)
        with self.assertRaises(AccessError):
            mine.with_user(self.user_emma).write({"training_weight": 0})

    def test_score_rule_manager_sees_team_read_only(self):
        emma, eric, otto = (self._score(e) for e in (self.emma, self.eric, self.otto))
        found = self.Score.with_user(self.user_mia).search(
            [("id", "in", (emma | eric | otto).ids)]
        )
        self.assertEqual(found, emma | eric)
        with self.assertRaises(AccessError):
            emma.with_user(self.user_mia).write({"training_weight": 0})

    def test_score_rule_officer_computes_all(self):
        otto = self._score(self.otto)
        otto.with_user(self.user_officer).training_weight = 0
        self.assertEqual(otto.training_weight, 0)


@tagged("post_install", "-at_install")
class TestPerformanceScoreComposition(ContributionCase):
    """Emma's Q2 2026 score: revenue target 100, and the negotiation course's
    contribution measured April to June (net lift 20 %: excellent, +5)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.target = cls.env["trainlink.kpi.target"].create(
            {
                "kpi_id": cls.kpi_revenue.id,
                "level": "employee",
                "employee_id": cls.emma.id,
                "period_type": "quarter",
                "period_start": "2026-04-01",
                "target_value": 100.0,
            }
        )
        cls.target.action_agree()
        cls.value_count = 0

    def _actual(self, value):
        self.value_count += 1
        return self.env["trainlink.kpi.value"].create(
            {
                "employee_id": self.emma.id,
                "kpi_id": self.kpi_revenue.id,
                "company_id": self.company.id,
                "period_start": "2026-05-01",
                "period_end": "2026-05-31",
                "value": value,
                "source": "test",
                "external_key": f"score-{self.value_count}",
            }
        )

    def _q2_score(self, **values):
        score = self.env["trainlink.performance.score"].create(
            {
                "employee_id": self.emma.id,
                "period_type": "quarter",
                "period_start": "2026-04-01",
                **values,
            }
        )
        score.action_compute()
        return score

    def test_kpi_and_training_combine_by_weight_plus_bonus(self):
        self._actual(90.0)
        contribution = self._contribution()
        self.assertEqual(contribution.rating, "excellent")
        score = self._q2_score()
        self.assertAlmostEqual(score.kpi_score, 90.0)
        self.assertAlmostEqual(score.training_score, 100.0)
        self.assertAlmostEqual(score.bonus, contribution.score_bonus)
        self.assertAlmostEqual(
            score.final_score, 0.7 * 90 + 0.3 * 100 + contribution.score_bonus
        )
        self.assertTrue(score.has_kpi_data and score.has_training)

    def test_weight_zero_keeps_only_kpi_and_bonus(self):
        self._actual(90.0)
        contribution = self._contribution()
        score = self._q2_score(training_weight=0.0)
        self.assertAlmostEqual(score.final_score, 90.0 + contribution.score_bonus)

    def test_no_training_scores_kpi_achievement_alone(self):
        self._actual(80.0)
        score = self._q2_score()
        self.assertFalse(score.has_training)
        self.assertAlmostEqual(score.final_score, 80.0)
        self.assertEqual(score.band, "meets")

    def test_target_without_kpi_data_leaves_kpi_part_out(self):
        self._contribution(post_value=107.0)  # net lift 7 %: good
        score = self._q2_score()
        self.assertFalse(score.has_kpi_data)
        self.assertAlmostEqual(score.final_score, 85.0)
        # Labelled as resting on training alone: no band against targets.
        self.assertEqual(score.band, "training_only")

    def test_no_target_means_no_kpi_part(self):
        other = self.env["hr.employee"].create({"name": "No target"})
        score = self.env["trainlink.performance.score"].create(
            {
                "employee_id": other.id,
                "period_type": "quarter",
                "period_start": "2026-04-01",
            }
        )
        score.action_compute()
        self.assertEqual(score.band, "no_data")
        self.assertFalse(score.has_kpi_data)

    def test_achievement_counts_up_to_150(self):
        self._actual(400.0)
        score = self._q2_score()
        self.assertAlmostEqual(score.kpi_score, 150.0)

    def test_low_confidence_contribution_is_left_out(self):
        self._actual(100.0)
        self._contribution(post_points=1, baseline_points=1)
        score = self._q2_score()
        self.assertFalse(score.has_training)
        self.assertAlmostEqual(score.final_score, 100.0)

    def test_confirmed_score_is_not_recomputed(self):
        self._actual(100.0)
        score = self._q2_score()
        score.action_confirm()
        with self.assertRaisesRegex(UserError, "not recomputed"):
            score.action_compute()

    def test_wizard_scores_a_department(self):
        self._actual(100.0)
        wizard = self.env["trainlink.score.wizard"].create(
            {
                "period_type": "quarter",
                "period_start": "2026-04-01",
                "department_id": self.department.id,
            }
        )
        action = wizard.action_compute()
        scores = self.env["trainlink.performance.score"].search(action["domain"])
        self.assertEqual(scores.employee_id, self.department_members())
        self.assertAlmostEqual(
            scores.filtered(lambda s: s.employee_id == self.emma).final_score, 100.0
        )
        wizard.action_compute()
        self.assertEqual(
            self.env["trainlink.performance.score"].search_count(
                [("employee_id", "=", self.emma.id)]
            ),
            1,
            "computing again refreshes, never duplicates",
        )

    def department_members(self):
        return self.env["hr.employee"].search(
            [("department_id", "child_of", self.department.id)]
        )

    def test_department_indicators(self):
        self.attendance.completion_date = fields.Date.today()
        self._contribution(post_start=fields.Date.today(), post_end=fields.Date.today())
        members = self.department_members()
        department = self.department.with_user(self.user_mia)
        self.assertAlmostEqual(
            department.trainlink_participation_rate, 100.0 / len(members)
        )
        self.assertAlmostEqual(department.trainlink_post_training_lift, 20.0)

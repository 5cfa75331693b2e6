from dateutil.relativedelta import relativedelta
from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from odoo.addons.trainlink_performance.models.trainlink_kpi_target import (
    ZERO_ACTUAL_ACHIEVEMENT,
    compute_achievement,
)

from .common import TrainlinkCase


@tagged("post_install", "-at_install")
class TestKpiTarget(TrainlinkCase):
    """KPI targets of the current year (adjustments happen inside the period):
    Emma's, Eric's and Otto's agreed revenue targets, Mia's draft one, the
    sales department's and the company's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Target = cls.env["trainlink.kpi.target"]
        cls.Adjustment = cls.env["trainlink.kpi.target.adjustment"]
        cls.year = fields.Date.context_today(cls.Target).replace(month=1, day=1)
        cls.company.trainlink_target_flex_percent = 15.0
        cls.kpi_satisfaction = cls.env["trainlink.kpi"].create(
            {"code": "TL_SAT", "name": "Satisfaction", "aggregation": "mean"}
        )
        cls.kpi_clients = cls.env["trainlink.kpi"].create(
            {"code": "TL_CLIENTS", "name": "Active clients", "aggregation": "last"}
        )
        cls.t_company = cls._target(level="company", employee_id=False)
        cls.t_department = cls._target(
            level="department",
            employee_id=False,
            department_id=cls.department.id,
            parent_id=cls.t_company.id,
        )
        cls.t_emma = cls._target(state="agreed", parent_id=cls.t_department.id)
        cls.t_eric = cls._target(employee_id=cls.eric.id, state="agreed")
        cls.t_otto = cls._target(employee_id=cls.otto.id, state="agreed")
        cls.t_mia = cls._target(employee_id=cls.mia.id)
        cls.adj_emma = cls._request(cls.t_emma, 105.0, cls.user_emma)
        cls.adj_otto = cls._request(cls.t_otto, 105.0, cls.user_otto)
        cls.value_count = 0

    @classmethod
    def _target(cls, **values):
        return cls.Target.create(
            {
                "kpi_id": cls.kpi_revenue.id,
                "level": "employee",
                "employee_id": cls.emma.id,
                "period_type": "year",
                "period_start": cls.year,
                "target_value": 100.0,
                **values,
            }
        )

    @classmethod
    def _request(cls, target, new_value, user, reason="The market moved"):
        return cls.Adjustment.with_user(user).create(
            {"target_id": target.id, "new_value": new_value, "reason": reason}
        )

    def _value(self, employee, value, kpi=None, month=0, **extra):
        """A monthly KPI value of the employee, `month` months into the year."""
        self.value_count += 1
        start = self.year + relativedelta(months=month)
        return self.env["trainlink.kpi.value"].create(
            {
                "employee_id": employee.id,
                "kpi_id": (kpi or self.kpi_revenue).id,
                "company_id": employee.company_id.id,
                "department_id": employee.department_id.id,
                "period_start": start,
                "period_end": start + relativedelta(months=1, days=-1),
                "value": value,
                "source": "test",
                "external_key": f"tl-target-{self.value_count}",
                **extra,
            }
        )

    def _visible(self, user, records):
        return records.with_user(user).search([("id", "in", records.ids)])

    # -- achievement ---------------------------------------------------------------
    def test_period_end_follows_period_type(self):
        quarter = self._target(period_type="quarter", period_start="2026-04-01")
        self.assertEqual(str(quarter.period_end), "2026-06-30")
        month = self._target(period_type="month", period_start="2026-02-01")
        self.assertEqual(str(month.period_end), "2026-02-28")

    def test_achievement_sum_higher_is_better(self):
        self._value(self.emma, 60.0)
        self._value(self.emma, 50.0, month=1)
        self._value(self.otto, 999.0)
        self._value(self.emma, 999.0, month=-1)  # last year: outside the period
        self.assertTrue(self.t_emma.has_actual)
        self.assertAlmostEqual(self.t_emma.actual_value, 110.0)
        self.assertAlmostEqual(self.t_emma.achievement, 110.0)

    def test_achievement_rate_lower_is_better_uses_the_mean(self):
        target = self._target(kpi_id=self.kpi_complaints.id, target_value=3.0)
        self._value(self.emma, 2.0, kpi=self.kpi_complaints)
        self._value(self.emma, 4.0, kpi=self.kpi_complaints, month=1)
        self.assertAlmostEqual(target.actual_value, 3.0)
        self.assertAlmostEqual(target.achievement, 100.0)
        target.target_value = 1.5
        self.assertAlmostEqual(target.achievement, 50.0, msg="twice the complaints")

    def test_achievement_mean(self):
        target = self._target(kpi_id=self.kpi_satisfaction.id)
        self._value(self.emma, 80.0, kpi=self.kpi_satisfaction)
        self._value(self.emma, 90.0, kpi=self.kpi_satisfaction, month=1)
        self.assertAlmostEqual(target.actual_value, 85.0)
        self.assertAlmostEqual(target.achievement, 85.0)

    def test_achievement_last_takes_the_latest_period(self):
        target = self._target(kpi_id=self.kpi_clients.id, target_value=20.0)
        self._value(self.emma, 10.0, kpi=self.kpi_clients)
        self._value(self.emma, 30.0, kpi=self.kpi_clients, month=2)
        self._value(self.emma, 50.0, kpi=self.kpi_clients, month=1)
        self.assertAlmostEqual(target.actual_value, 30.0)
        self.assertAlmostEqual(target.achievement, 150.0)

    def test_achievement_of_department_counts_its_employees_only(self):
        self._value(self.eric, 40.0)
        self._value(self.emma, 60.0)
        self._value(self.otto, 100.0)
        self.assertAlmostEqual(self.t_department.actual_value, 100.0)
        complaints = self._target(
            kpi_id=self.kpi_complaints.id,
            level="department",
            employee_id=False,
            department_id=self.department.id,
            target_value=3.0,
        )
        self._value(self.eric, 2.0, kpi=self.kpi_complaints)
        self._value(self.emma, 4.0, kpi=self.kpi_complaints)
        self._value(self.otto, 9.0, kpi=self.kpi_complaints)
        self.assertAlmostEqual(complaints.actual_value, 3.0)
        clients = self._target(
            kpi_id=self.kpi_clients.id,
            level="department",
            employee_id=False,
            department_id=self.department.id,
        )
        self._value(self.eric, 5.0, kpi=self.kpi_clients)
        self._value(self.eric, 10.0, kpi=self.kpi_clients, month=1)
        self._value(self.emma, 30.0, kpi=self.kpi_clients)
        self.assertAlmostEqual(
            clients.actual_value, 20.0, msg="mean of each employee's last value"
        )

    def test_achievement_of_company_counts_every_employee(self):
        self._value(self.eric, 40.0)
        self._value(self.otto, 100.0)
        self.assertAlmostEqual(self.t_company.actual_value, 140.0)
        self.assertAlmostEqual(self.t_company.achievement, 140.0)

    def test_no_data_means_no_achievement(self):
        self._value(self.eric, 40.0)
        self.assertFalse(self.t_emma.has_actual)
        self.assertEqual(self.t_emma.actual_value, 0.0)
        self.assertEqual(self.t_emma.achievement, 0.0)

    def test_zero_target_and_zero_actual_never_divide_by_zero(self):
        self.assertEqual(compute_achievement("higher", 0.0, 5.0), 100.0)
        self.assertEqual(compute_achievement("higher", 0.0, -1.0), 0.0)
        self.assertEqual(compute_achievement("lower", 0.0, 0.0), 100.0)
        self.assertEqual(compute_achievement("lower", 0.0, 2.0), 0.0)
        self.assertEqual(
            compute_achievement("lower", 2.0, 0.0), ZERO_ACTUAL_ACHIEVEMENT
        )
        target = self._target(kpi_id=self.kpi_complaints.id, target_value=0.0)
        self._value(self.emma, 0.0, kpi=self.kpi_complaints)
        self.assertTrue(target.has_actual)
        self.assertEqual(target.achievement, 100.0)

    def test_achievement_for_lists_agreed_overlapping_targets(self):
        self._value(self.emma, 110.0)
        last_year = self._target(
            state="agreed", period_start=self.year - relativedelta(years=1)
        )
        closed = self._target(
            kpi_id=self.kpi_complaints.id,
            period_type="quarter",
            target_value=3.0,
            state="closed",
        )
        self._target(kpi_id=self.kpi_satisfaction.id)  # draft: not counted
        pairs = self.Target._achievement_for(
            self.emma, self.year, self.year + relativedelta(months=6)
        )
        achievements = dict(pairs)
        self.assertEqual(len(pairs), len(achievements), "each target once")
        self.assertEqual(set(achievements), {self.t_emma, closed})
        self.assertAlmostEqual(achievements[self.t_emma], 110.0)
        self.assertEqual(achievements[closed], 0.0)
        self.assertFalse(closed.has_actual)
        self.assertNotIn(last_year, achievements)
        self.assertIn(
            self.t_emma,
            dict(
                self.Target._achievement_for(
                    self.emma.id, str(self.year), str(self.year)
                )
            ),
        )

    # -- constraints ---------------------------------------------------------------
    @mute_logger("odoo.sql_db")
    def test_period_cannot_end_before_it_starts(self):
        # The database refuses such a row outright; a later change of the
        # period is refused with the period named.
        with self.assertRaises(IntegrityError):
            self._target(period_end=self.year - relativedelta(days=1))
        with self.assertRaisesRegex(ValidationError, "before it starts"):
            self.t_mia.period_end = self.year - relativedelta(days=1)

    def test_level_fields_must_be_consistent(self):
        with self.assertRaisesRegex(ValidationError, "must name the employee"):
            self._target(employee_id=False)
        with self.assertRaisesRegex(ValidationError, "names its department"):
            self._target(level="department", employee_id=False)
        with self.assertRaisesRegex(ValidationError, "neither a department"):
            self._target(level="company")
        self.assertEqual(self.t_emma.department_id, self.department)
        self.assertFalse(self.t_company.department_id)

    def test_child_period_must_lie_inside_its_parent(self):
        quarter = self._target(
            level="department",
            employee_id=False,
            department_id=self.department.id,
            period_type="quarter",
        )
        with self.assertRaisesRegex(ValidationError, "must lie inside"):
            self._target(parent_id=quarter.id)
        with self.assertRaisesRegex(ValidationError, "same KPI"):
            self._target(
                kpi_id=self.kpi_satisfaction.id,
                period_type="month",
                parent_id=quarter.id,
            )
        child = self._target(period_type="month", parent_id=quarter.id)
        self.assertEqual(quarter.child_ids, child)
        with self.assertRaisesRegex(ValidationError, "must lie inside"):
            quarter.period_start = self.year + relativedelta(months=1)

    def test_one_agreed_target_per_employee_kpi_and_period(self):
        with self.assertRaisesRegex(ValidationError, "already has an agreed"):
            self._target(state="agreed")
        draft = self._target()
        with self.assertRaisesRegex(ValidationError, "already has an agreed"):
            draft.with_user(self.user_eric).action_agree()
        self.assertEqual(draft.state, "draft")

    # -- agreement -----------------------------------------------------------------
    def test_manager_agrees_a_team_target_nobody_their_own(self):
        target = self._target(kpi_id=self.kpi_satisfaction.id)
        with self.assertRaises(AccessError):
            target.with_user(self.user_emma).action_agree()
        target.with_user(self.user_eric).action_agree()
        self.assertEqual(target.state, "agreed")
        self.assertEqual(target.agreed_by_id, self.user_eric)
        with self.assertRaisesRegex(AccessError, "nobody their own"):
            self.t_mia.with_user(self.user_mia).action_agree()
        with self.assertRaisesRegex(AccessError, "starts as a draft"):
            self.Target.with_user(self.user_eric).create(
                {
                    "kpi_id": self.kpi_satisfaction.id,
                    "employee_id": self.emma.id,
                    "period_start": self.year,
                    "target_value": 1.0,
                    "state": "agreed",
                }
            )

    # -- cascade -------------------------------------------------------------------
    def test_cascade_department_target_splits_a_sum(self):
        department = self._target(
            kpi_id=self.kpi_satisfaction.id,
            level="department",
            employee_id=False,
            department_id=self.department.id,
            target_value=400.0,
        )
        department.kpi_id.aggregation = "sum"
        members = self.env["hr.employee"].search(
            [("department_id", "=", self.department.id)]
        )
        self.assertEqual(members, self.mia | self.eric | self.emma | self.mentor)
        department.with_user(self.user_mia).action_cascade()
        children = department.child_ids
        self.assertEqual(children.employee_id, members)
        self.assertEqual(set(children.mapped("target_value")), {100.0})
        self.assertEqual(set(children.mapped("state")), {"draft"})
        self.assertEqual(set(children.mapped("level")), {"employee"})
        self.assertEqual(children.kpi_id, self.kpi_satisfaction)
        self.assertEqual(set(children.mapped("period_end")), {department.period_end})
        department.with_user(self.user_mia).action_cascade()
        self.assertEqual(department.child_ids, children, "nothing is duplicated")

    def test_cascade_passes_a_rate_on_as_it_is(self):
        department = self._target(
            kpi_id=self.kpi_complaints.id,
            level="department",
            employee_id=False,
            department_id=self.department.id,
            target_value=3.0,
        )
        department.with_user(self.user_officer).action_cascade()
        self.assertEqual(len(department.child_ids), 4)
        self.assertEqual(set(department.child_ids.mapped("target_value")), {3.0})

    def test_cascade_company_target_to_top_departments(self):
        company = self._target(
            kpi_id=self.kpi_satisfaction.id,
            level="company",
            employee_id=False,
            target_value=1200.0,
        )
        company.kpi_id.aggregation = "sum"
        tops = self.env["hr.department"].search(
            [("company_id", "=", self.company.id), ("parent_id", "=", False)]
        )
        self.assertIn(self.department, tops)
        with self.assertRaises(AccessError):
            company.with_user(self.user_mia).action_cascade()
        company.with_user(self.user_officer).action_cascade()
        self.assertEqual(company.child_ids.department_id, tops)
        self.assertEqual(set(company.child_ids.mapped("level")), {"department"})
        self.assertAlmostEqual(company.child_ids[0].target_value, 1200.0 / len(tops))
        with self.assertRaisesRegex(UserError, "nothing below"):
            self.t_emma.action_cascade()

    # -- adjustments ---------------------------------------------------------------
    def test_adjustment_flow_manager_then_hr_with_log(self):
        adjustment = self.adj_emma
        self.assertEqual(adjustment.state, "requested")
        self.assertEqual(adjustment.old_value, 100.0)
        self.assertEqual(adjustment.requested_by_id, self.user_emma)
        self.assertAlmostEqual(adjustment.change_percent, 5.0)
        with self.assertRaises(AccessError):
            adjustment.with_user(self.user_emma).action_manager_approve()
        with self.assertRaisesRegex(AccessError, "manager of Emma"):
            adjustment.with_user(self.user_officer).action_manager_approve()
        with self.assertRaisesRegex(UserError, "cannot take this step"):
            adjustment.with_user(self.user_officer).action_hr_approve()
        adjustment.with_user(self.user_eric).action_manager_approve()
        self.assertEqual(adjustment.state, "manager_approved")
        self.assertEqual(adjustment.manager_approved_by_id, self.user_eric)
        self.assertTrue(adjustment.manager_approval_date)
        self.assertEqual(self.t_emma.target_value, 100.0, "not yet written")
        with self.assertRaises(AccessError):
            adjustment.with_user(self.user_eric).action_hr_approve()
        adjustment.with_user(self.user_officer).action_hr_approve()
        self.assertEqual(adjustment.state, "approved")
        self.assertEqual(adjustment.hr_approved_by_id, self.user_officer)
        self.assertTrue(adjustment.hr_approval_date)
        self.assertEqual(self.t_emma.target_value, 105.0)
        self.assertEqual(self.t_emma.agreed_value, 100.0)
        self.assertEqual(self.t_emma.adjustment_ids, adjustment)
        log = self.t_emma.message_ids.filtered(lambda m: "The market moved" in m.body)
        self.assertEqual(len(log), 1)
        self.assertIn("100.0", log.body)
        self.assertIn("105.0", log.body)
        with self.assertRaisesRegex(UserError, "log of the target"):
            adjustment.with_user(self.user_officer).unlink()

    def test_adjustment_refused_leaves_target_unchanged(self):
        self.adj_emma.with_user(self.user_eric).action_refuse()
        self.assertEqual(self.adj_emma.state, "refused")
        self.assertEqual(self.adj_emma.refused_by_id, self.user_eric)
        self.assertEqual(self.t_emma.target_value, 100.0)
        with self.assertRaisesRegex(UserError, "cannot take this step"):
            self.adj_emma.with_user(self.user_officer).action_hr_approve()

    def test_same_officer_cannot_approve_both_steps(self):
        self.otto.parent_id = self.env["hr.employee"].create(
            {"name": "Olga Officer", "user_id": self.user_officer.id}
        )
        self.adj_otto.with_user(self.user_officer).action_manager_approve()
        with self.assertRaisesRegex(AccessError, "another training officer"):
            self.adj_otto.with_user(self.user_officer).action_hr_approve()
        self.adj_otto.with_user(self.user_admin).action_hr_approve()
        self.assertEqual(self.t_otto.target_value, 105.0)

    def test_adjustment_needs_an_agreed_target_and_one_open_request(self):
        with self.assertRaisesRegex(UserError, "Only an agreed target"):
            self._request(self.t_mia, 105.0, self.user_officer)
        with self.assertRaisesRegex(UserError, "waiting for approval"):
            self._request(self.t_emma, 110.0, self.user_eric)
        with self.assertRaisesRegex(UserError, "must change its value"):
            self._request(self.t_eric, 100.0, self.user_mia)
        self.t_emma.sudo().write({"state": "closed"})
        with self.assertRaisesRegex(UserError, "Only an agreed target"):
            self.adj_emma.with_user(self.user_eric).action_manager_approve()

    def test_flexibility_limits_the_change_over_the_period(self):
        with self.assertRaisesRegex(ValidationError, "more than the 15.0 %"):
            self._request(self.t_eric, 116.0, self.user_eric)
        adjustment = self._request(self.t_eric, 115.0, self.user_eric)
        adjustment.with_user(self.user_mia).action_manager_approve()
        adjustment.with_user(self.user_officer).action_hr_approve()
        self.assertEqual(self.t_eric.target_value, 115.0)
        # 115 -> 120 is 4 %, but 20 % away from the agreed 100.
        with self.assertRaisesRegex(ValidationError, "agreed at 100.0"):
            self._request(self.t_eric, 120.0, self.user_eric)
        self.company.trainlink_target_flex_percent = 25.0
        self.assertTrue(self._request(self.t_eric, 120.0, self.user_eric))
        with self.assertRaisesRegex(ValidationError, "between 0 and 100"):
            self.company.trainlink_target_flex_percent = 120.0

    def test_agreed_target_value_changes_only_through_an_adjustment(self):
        for user in (self.user_officer, self.user_admin, self.user_eric):
            with self.assertRaisesRegex(UserError, "approved by the manager and HR"):
                self.t_emma.with_user(user).target_value = 150.0
        with self.assertRaisesRegex(UserError, "can no longer change"):
            self.t_emma.with_user(self.user_officer).period_type = "quarter"
        with self.assertRaisesRegex(AccessError, "through its buttons"):
            self.t_emma.with_user(self.user_officer).state = "draft"
        with self.assertRaisesRegex(AccessError, "through its approval buttons"):
            self.adj_emma.with_user(self.user_eric).state = "approved"
        self.assertEqual(self.t_emma.target_value, 100.0)
        self.t_emma.with_user(self.user_officer).note = "Agreed in the Q1 review"
        self.t_mia.with_user(self.user_officer).target_value = 150.0
        self.assertEqual(self.t_mia.target_value, 150.0)
        with self.assertRaisesRegex(UserError, "Only draft targets"):
            self.t_emma.with_user(self.user_officer).unlink()

    # -- forms ---------------------------------------------------------------------
    def test_manager_sets_a_team_target_in_the_form(self):
        with Form(self.Target.with_user(self.user_eric)) as form:
            form.kpi_id = self.kpi_satisfaction
            form.employee_id = self.emma
            form.period_type = "quarter"
            form.period_start = self.year
            form.target_value = 90.0
        target = form.record
        self.assertEqual(target.department_id, self.department)
        self.assertEqual(
            target.period_end, self.year + relativedelta(months=3, days=-1)
        )
        self.assertEqual(target.state, "draft")

    def test_employee_requests_an_adjustment_from_the_form(self):
        self.adj_emma.sudo().write({"state": "refused"})
        action = self.t_emma.with_user(self.user_emma).action_request_adjustment()
        Adjustment = self.Adjustment.with_user(self.user_emma)
        with Form(Adjustment.with_context(**action["context"])) as form:
            self.assertEqual(form.new_value, 100.0)
            form.new_value = 90.0
            form.reason = "Two key accounts left"
            self.assertAlmostEqual(form.change_percent, -10.0)
        adjustment = form.record
        self.assertEqual(adjustment.target_id, self.t_emma)
        self.assertEqual(adjustment.old_value, 100.0)
        self.assertEqual(adjustment.state, "requested")
        self.assertEqual(adjustment.requested_by_id, self.user_emma)

    # -- record rules: trainlink.kpi.target ------------------------------------------
    def test_target_rule_user_reads_own_targets_only(self):
        targets = self.Target.search([("kpi_id", "=", self.kpi_revenue.id)])
        self.assertEqual(self._visible(self.user_emma, targets), self.t_emma)
        self.assertEqual(self._visible(self.user_otto, targets), self.t_otto)
        with self.assertRaises(AccessError):
            self.t_emma.with_user(self.user_emma).note = "Mine"
        with self.assertRaises(AccessError):
            self.t_eric.with_user(self.user_emma).read(["target_value"])

    def test_target_rule_manager_team_and_departments(self):
        targets = self.Target.search([("kpi_id", "=", self.kpi_revenue.id)])
        self.assertEqual(
            self._visible(self.user_eric, targets),
            self.t_emma | self.t_eric | self.t_company,
            "his team, his own, and the company strategy",
        )
        self.assertEqual(
            self._visible(self.user_mia, targets),
            targets - self.t_otto,
            "her team and her department",
        )
        self.t_emma.with_user(self.user_eric).note = "Reviewed"
        self.t_mia.with_user(self.user_mia).target_value = 120.0
        with self.assertRaises(AccessError):
            self.t_otto.with_user(self.user_mia).note = "Not my team"
        with self.assertRaises(AccessError):
            self.t_mia.with_user(self.user_mia).unlink()

    def test_target_rule_manager_reads_company_targets_only(self):
        self.assertEqual(self._visible(self.user_eric, self.t_company), self.t_company)
        with self.assertRaises(AccessError):
            self.t_company.with_user(self.user_eric).note = "Strategy"
        self.assertFalse(self._visible(self.user_emma, self.t_company))

    def test_target_rule_officer_sees_and_deletes_all(self):
        targets = self.Target.search([("kpi_id", "=", self.kpi_revenue.id)])
        self.assertEqual(self._visible(self.user_officer, targets), targets)
        self.t_mia.with_user(self.user_officer).unlink()
        self.assertFalse(self.t_mia.exists())

    def test_company_rules_hide_other_companies_targets_and_adjustments(self):
        other = self.env["res.company"].create({"name": "TL Target Co"})
        self.user_officer.company_ids = self.company
        kpi = self.env["trainlink.kpi"].create(
            {"code": "TL_REV", "name": "Revenue", "company_id": other.id}
        )
        stranger = self.env["hr.employee"].create(
            {"name": "Stranger", "company_id": other.id}
        )
        target = self._target(
            kpi_id=kpi.id,
            employee_id=stranger.id,
            company_id=other.id,
            state="agreed",
        )
        adjustment = self.Adjustment.create(
            {"target_id": target.id, "new_value": 101.0, "reason": "Test"}
        )
        self.assertFalse(self._visible(self.user_officer, target))
        self.assertFalse(self._visible(self.user_officer, adjustment))
        self.user_officer.company_ids = self.company | other
        both = self.user_officer.with_context(
            allowed_company_ids=[self.company.id, other.id]
        )
        self.assertEqual(
            target.with_user(both)
            .with_context(allowed_company_ids=[self.company.id, other.id])
            .search([("id", "=", target.id)]),
            target,
        )

    # -- record rules: trainlink.kpi.target.adjustment -------------------------------
    def test_adjustment_rule_user_reads_and_requests_on_own_targets(self):
        adjustments = self.adj_emma | self.adj_otto
        self.assertEqual(self._visible(self.user_emma, adjustments), self.adj_emma)
        self.assertEqual(self._visible(self.user_otto, adjustments), self.adj_otto)
        with self.assertRaises(AccessError):
            self._request(self.t_eric, 101.0, self.user_emma)
        with self.assertRaises(AccessError):
            self.adj_emma.with_user(self.user_emma).reason = "Changed my mind"
        self.adj_emma.sudo().write({"state": "refused"})
        own = self._request(self.t_emma, 110.0, self.user_emma)
        self.assertEqual(own.requested_by_id, self.user_emma)
        self.assertEqual(
            self._visible(self.user_emma, self.Adjustment.search([])),
            own | self.adj_emma,
        )

    def test_adjustment_rule_manager_team_only(self):
        adjustments = self.adj_emma | self.adj_otto
        self.assertEqual(self._visible(self.user_eric, adjustments), self.adj_emma)
        self.assertEqual(self._visible(self.user_mia, adjustments), self.adj_emma)
        self.adj_emma.with_user(self.user_eric).write(
            {"new_value": 110.0, "reason": "Bigger market drop"}
        )
        self.assertEqual(self.adj_emma.new_value, 110.0)
        with self.assertRaises(AccessError):
            self.adj_otto.with_user(self.user_eric).reason = "Not my team"
        with self.assertRaises(AccessError):
            self.adj_otto.with_user(self.user_eric).action_refuse()

    def test_adjustment_rule_officer_sees_all(self):
        adjustments = self.adj_emma | self.adj_otto
        self.assertEqual(self._visible(self.user_officer, adjustments), adjustments)
        self.adj_otto.with_user(self.user_officer).action_refuse()
        self.assertEqual(self.adj_otto.state, "refused")

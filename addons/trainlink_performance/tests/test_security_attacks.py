"""The attacks of a role-by-role review, replayed with plain ORM calls (what
an XML-RPC client can send): each must be refused, whatever the buttons do."""

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import TrainlinkCase
from .common_contribution import GROUP_SYNC, ContributionCase
from .test_promotion import PromotionCase


@tagged("post_install", "-at_install")
class TestPlainWriteEscalation(TrainlinkCase):
    """Approvals, states and scores change through the actions only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        session = cls._session()
        cls.att_eric = cls._completed_attendance(cls.eric, session=session)
        cls.att_emma = cls._completed_attendance(cls.emma, session=session)
        cls.plan_eric = cls._plan(cls.att_eric)
        cls.plan_emma = cls._plan(cls.att_emma)
        cls.plan_eric.action_submit()
        cls.case_eric = cls.env["trainlink.practice.case"].create(
            {"name": "Eric's case", "plan_id": cls.plan_eric.id}
        )
        cls.case_eric.action_submit()

    def test_a_refusal_lists_the_fields_as_the_readers_language_does(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        Value = self.env["trainlink.kpi.value"]
        names = {"run_id", "last_synced", "value"}
        english = Value.with_context(lang="en_US")._trainlink_field_labels(names)
        self.assertEqual(english.count(", "), 2)
        self.assertIn(", and ", english)
        chinese = Value.with_context(lang="zh_CN")._trainlink_field_labels(names)
        self.assertEqual((chinese.count("、"), chinese.count("和")), (1, 1), chinese)
        self.assertNotIn(", ", chinese)

    def test_manager_cannot_approve_his_own_plan_by_writing_the_state(self):
        with self.assertRaisesRegex(AccessError, "buttons only"):
            self.plan_eric.with_user(self.user_eric).write(
                {"state": "in_progress", "approved_by_id": self.user_eric.id}
            )
        with self.assertRaisesRegex(AccessError, "reviewed by your manager"):
            self.plan_eric.with_user(self.user_eric).action_approve()
        self.assertEqual(self.plan_eric.state, "submitted")
        self.assertFalse(self.plan_eric.approved_by_id)

    def test_manager_cannot_write_the_state_of_a_team_plan_either(self):
        with self.assertRaisesRegex(AccessError, "buttons only"):
            self.plan_emma.with_user(self.user_eric).write({"state": "done"})
        self.plan_emma.with_user(self.user_eric).action_approve()
        self.assertEqual(self.plan_emma.state, "in_progress")
        self.assertEqual(self.plan_emma.approved_by_id, self.user_eric)

    def test_nobody_creates_a_plan_already_accepted(self):
        with self.assertRaisesRegex(AccessError, "buttons only"):
            self.env["trainlink.application.plan"].with_user(self.user_mia).create(
                {
                    "attendance_id": self.att_emma.id,
                    "scenario": "Straight to accepted",
                    "date_end": "2026-06-30",
                    "state": "in_progress",
                }
            )

    def test_officer_cannot_approve_his_own_plan(self):
        officer = self.env["hr.employee"].create(
            {"name": "Olga Officer", "user_id": self.user_officer.id}
        )
        plan = self._plan(self._completed_attendance(officer))
        with self.assertRaisesRegex(AccessError, "reviewed by your manager"):
            plan.with_user(self.user_officer).action_approve()
        self.assertEqual(plan.state, "draft")

    def test_manager_cannot_approve_his_own_practice_case(self):
        case = self.case_eric.with_user(self.user_eric)
        with self.assertRaisesRegex(AccessError, "buttons only"):
            case.write({"state": "approved", "approved_by_id": self.user_eric.id})
        with self.assertRaisesRegex(AccessError, "buttons only"):
            case.write({"adopted": True})
        with self.assertRaisesRegex(AccessError, "your own practice case"):
            case.action_approve()
        self.assertEqual(self.case_eric.state, "submitted")
        self.case_eric.with_user(self.user_mia).action_approve()
        self.assertEqual(self.case_eric.approved_by_id, self.user_mia)

    def test_manager_cannot_raise_a_need_for_another_department(self):
        Need = self.env["trainlink.need"].with_user(self.user_mia)
        # The record rules refuse a need of a department she does not manage;
        # the model refuses one that also names someone outside her team.
        with self.assertRaises(AccessError):
            Need.create(
                {
                    "name": "Otto must train",
                    "department_id": self.other_department.id,
                    "employee_ids": [(6, 0, self.otto.ids)],
                }
            )
        with self.assertRaisesRegex(AccessError, "people of your team"):
            Need.create(
                {
                    "name": "Otto in my department",
                    "department_id": self.department.id,
                    "employee_ids": [(6, 0, (self.emma | self.otto).ids)],
                }
            )
        self.assertFalse(self.env["trainlink.need"].search([("name", "like", "Otto")]))

    def test_manager_cannot_approve_a_need_by_writing_its_state(self):
        need = (
            self.env["trainlink.need"]
            .with_user(self.user_mia)
            .create({"name": "Closing skills", "department_id": self.department.id})
        )
        with self.assertRaisesRegex(AccessError, "buttons only"):
            need.write({"state": "approved", "approved_by_id": self.user_mia.id})
        need.action_approve()
        self.assertEqual((need.state, need.approved_by_id), ("approved", self.user_mia))

    def test_manager_cannot_approve_a_need_naming_himself(self):
        need = self.env["trainlink.need"].create(
            {
                "name": "Mia's coaching",
                "department_id": self.department.id,
                "employee_ids": [(6, 0, self.mia.ids)],
            }
        )
        with self.assertRaisesRegex(AccessError, "is about you"):
            need.with_user(self.user_mia).action_approve()
        self.assertEqual(need.state, "new")

    def test_officer_cannot_score_his_own_attendance(self):
        officer = self.env["hr.employee"].create(
            {"name": "Olga Officer", "user_id": self.user_officer.id}
        )
        attendance = self.env["trainlink.attendance"].create(
            {"session_id": self._session().id, "employee_id": officer.id}
        )
        as_officer = attendance.with_user(self.user_officer)
        with self.assertRaisesRegex(AccessError, "is about you"):
            as_officer.write({"exam_score": 100.0})
        with self.assertRaisesRegex(AccessError, "is about you"):
            as_officer.action_mark_present()
        with self.assertRaisesRegex(AccessError, "buttons only"):
            self.att_emma.with_user(self.user_officer).write({"state": "enrolled"})
        self.assertEqual((attendance.state, attendance.exam_score), ("enrolled", 0.0))
        self.att_emma.with_user(self.user_officer).write({"exam_score": 95.0})
        self.assertEqual(self.att_emma.exam_score, 95.0)

    def test_officer_cannot_write_or_confirm_his_own_performance_score(self):
        officer = self.env["hr.employee"].create(
            {"name": "Olga Officer", "user_id": self.user_officer.id}
        )
        Score = self.env["trainlink.performance.score"]
        own = Score.create({"employee_id": officer.id, "period_start": "2026-01-01"})
        emma = Score.create({"employee_id": self.emma.id, "period_start": "2026-01-01"})
        with self.assertRaisesRegex(AccessError, "buttons only"):
            emma.with_user(self.user_officer).write({"final_score": 99.0})
        with self.assertRaisesRegex(AccessError, "is about you"):
            own.with_user(self.user_officer).action_confirm()
        with self.assertRaisesRegex(AccessError, "is about you"):
            own.with_user(self.user_officer).write({"training_weight": 0.0})
        self.assertEqual(own.state, "draft")
        emma.with_user(self.user_officer).action_confirm()
        self.assertEqual(emma.state, "confirmed")

    def test_officer_cannot_correct_his_own_kpi_values(self):
        officer = self.env["hr.employee"].create(
            {"name": "Olga Officer", "user_id": self.user_officer.id}
        )
        Value = self.env["trainlink.kpi.value"].with_user(self.user_officer)
        values = {
            "kpi_id": self.kpi_revenue.id,
            "company_id": self.company.id,
            "period_start": "2026-01-01",
            "period_end": "2026-01-31",
            "value": 1.0,
            "source": "manual",
        }
        with self.assertRaisesRegex(AccessError, "is about you"):
            Value.create({**values, "employee_id": officer.id, "external_key": "O"})
        emma_value = Value.create(
            {**values, "employee_id": self.emma.id, "external_key": "E"}
        )
        with self.assertRaisesRegex(AccessError, "is about you"):
            emma_value.write({"employee_id": officer.id})
        self.assertEqual(emma_value.employee_id, self.emma)


@tagged("post_install", "-at_install")
class TestCheckinAndPromotionEscalation(PromotionCase):
    def test_manager_cannot_record_check_ins_on_his_own_plan(self):
        eric_plan = self._plan(self._completed_attendance(self.eric))
        eric_plan.with_user(self.user_mia).action_approve()
        Checkin = self.env["trainlink.application.checkin"]
        with self.assertRaisesRegex(AccessError, "is about you"):
            Checkin.with_user(self.user_eric).create(
                {"plan_id": eric_plan.id, "date": "2026-03-13", "applied": True}
            )
        checkin = Checkin.with_user(self.user_mia).create(
            {"plan_id": eric_plan.id, "date": "2026-03-13"}
        )
        self.assertEqual(checkin.reviewer_id, self.user_mia)
        with self.assertRaisesRegex(AccessError, "is about you"):
            checkin.with_user(self.user_eric).write({"applied": True})
        with self.assertRaisesRegex(AccessError, "buttons only"):
            checkin.with_user(self.user_mia).write({"reviewer_id": self.user_eric.id})
        self.assertFalse(checkin.applied)

    def test_nobody_writes_a_promotion_decision_by_hand(self):
        self._make_emma_eligible()
        candidate = self._candidate()
        for user in (self.user_eric, self.user_officer):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    candidate.with_user(user).write(
                        {"state": "promoted", "review_score": 100.0}
                    )
        self.assertEqual(candidate.state, "path")

    def test_officer_cannot_decide_his_own_promotion(self):
        officer = self.env["hr.employee"].create(
            {"name": "Olga Officer", "user_id": self.user_officer.id}
        )
        candidate = self._candidate(officer)
        candidate.sudo().write({"state": "review"})
        with self.assertRaisesRegex(AccessError, "is about you"):
            candidate.with_user(self.user_officer).action_promote()
        self.assertEqual(candidate.state, "review")
        candidate.with_user(self.user_hr).action_promote()
        self.assertEqual(candidate.state, "promoted")


@tagged("post_install", "-at_install")
class TestSyncUserHasNoDirectAccess(ContributionCase):
    """The portal-type sync user reaches data through the API only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_portal_sync = new_test_user(
            cls.env,
            login="tl_portal_sync",
            groups=f"base.group_portal,{GROUP_SYNC}",
        )
        cls.contribution = cls._contribution(post_value=90.0)
        cls.value = cls.env["trainlink.kpi.value"].create(
            {
                "employee_id": cls.emma.id,
                "kpi_id": cls.kpi_revenue.id,
                "company_id": cls.company.id,
                "period_start": "2026-01-01",
                "period_end": "2026-01-31",
                "value": 100.0,
                "source": "crm",
                "external_key": "EMMA-1",
            }
        )
        cls.run_id = (
            cls.env["trainlink.sync.run"]
            .with_user(cls.user_portal_sync)
            .api_start("crm")
        )

    def _addon_models(self):
        models = self.env["ir.model"].search([("model", "=like", "trainlink.%")])
        return [
            name
            for name in models.mapped("model")
            if not self.env[name]._abstract and not self.env[name]._transient
        ]

    def test_sync_user_cannot_read_any_model_of_the_addon(self):
        for name in self._addon_models():
            with self.subTest(model=name):
                with self.assertRaises(AccessError):
                    self.env[name].with_user(self.user_portal_sync).search_read(
                        [], ["id"], limit=1
                    )

    def test_sync_user_cannot_create_write_or_unlink_directly(self):
        records = {
            "trainlink.kpi.value": self.value,
            "trainlink.contribution": self.contribution,
            "trainlink.sync.run": self.env["trainlink.sync.run"].browse(self.run_id),
            "trainlink.kpi": self.kpi_revenue,
            "trainlink.attendance": self.attendance,
        }
        for name, record in records.items():
            as_sync = record.with_user(self.user_portal_sync)
            with self.subTest(model=name, operation="write"):
                with self.assertRaises(AccessError):
                    as_sync.write({"create_date": "2020-01-01 00:00:00"})
            with self.subTest(model=name, operation="unlink"):
                with self.assertRaises(AccessError):
                    as_sync.unlink()
            with self.subTest(model=name, operation="create"):
                with self.assertRaises(AccessError):
                    as_sync.create({})

    def test_attacks_of_the_review_fail(self):
        contribution = self.contribution.with_user(self.user_portal_sync)
        with self.assertRaises(AccessError):
            contribution.write(
                {"rating": "excellent", "score_bonus": 50.0, "pip_due": False}
            )
        with self.assertRaises(AccessError):
            self.value.with_user(self.user_portal_sync).write(
                {"employee_id": self.otto.id, "value": float("inf")}
            )
        with self.assertRaises(AccessError):
            self.env["trainlink.sync.run"].with_user(self.user_portal_sync).create(
                {"source": "fake", "state": "done", "read_count": 999999}
            )
        self.assertEqual(self.contribution.rating, "insufficient")
        self.assertEqual(self.value.employee_id, self.emma)

    def test_officer_cannot_rewrite_a_rating_either(self):
        with self.assertRaisesRegex(AccessError, "buttons only"):
            self.contribution.with_user(self.user_officer).write(
                {"rating": "excellent", "score_bonus": 50.0}
            )
        with self.assertRaisesRegex(AccessError, "buttons only"):
            self.contribution.with_user(self.user_officer).write({"post_value": 1e6})
        self.assertEqual(self.contribution.rating, "insufficient")

    def test_api_answers_carry_ids_and_figures_never_names(self):
        env = self.env(user=self.user_portal_sync)
        Value = env["trainlink.kpi.value"]
        values = Value.api_read_values(
            [self.emma.id], [self.kpi_revenue.id], "2025-01-01"
        )
        self.assertEqual(
            values,
            [
                {
                    "id": self.value.id,
                    "employee_id": self.emma.id,
                    "kpi_id": self.kpi_revenue.id,
                    "period_start": "2026-01-01",
                    "value": 100.0,
                }
            ],
        )
        completed = env["trainlink.attendance"].api_read_completed()
        names = {"Emma", "Negotiation", "TL Sales", "Revenue"}
        for answer in (completed, env["trainlink.kpi"].api_read_kpis()):
            text = repr(answer)
            for name in names:
                with self.subTest(name=name):
                    self.assertNotIn(name, text)
        result = env["trainlink.contribution"].api_upsert(
            [self._api_row(post_value=80.0)], self.run_id
        )
        self.assertEqual(
            set(result), {"read", "created", "updated", "unchanged", "rejected"}
        )
        self.assertNotIn("insufficient", repr(result))

    def test_read_values_refuses_bad_arguments_with_a_message(self):
        Value = self.env["trainlink.kpi.value"].with_user(self.user_portal_sync)
        with self.assertRaisesRegex(UserError, "since must be a date"):
            Value.api_read_values([self.emma.id], [self.kpi_revenue.id], "soon")
        with self.assertRaisesRegex(UserError, "employee_ids must be a list"):
            Value.api_read_values(self.emma.id, [self.kpi_revenue.id], "2026-01-01")
        with self.assertRaisesRegex(UserError, "after_id must be an integer"):
            Value.api_read_values([1], [1], "2026-01-01", "month", "x")
        self.assertEqual(Value.api_read_values([2**40, -1, "x"], [1], "2026-01-01"), [])

    def test_api_refuses_users_outside_the_sync_group(self):
        with self.assertRaises(AccessError):
            self.env["trainlink.kpi.value"].with_user(self.user_emma).api_read_values(
                [self.emma.id], [self.kpi_revenue.id], "2025-01-01"
            )


@tagged("post_install", "-at_install")
class TestGroupFiguresNeverRevealOnePerson(TrainlinkCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.trainlink_min_group_size = 5
        cls.small = cls._session()
        cls.att_emma = cls._completed_attendance(cls.emma, 90.0, cls.small)
        cls.att_otto = cls._completed_attendance(cls.otto, 50.0, cls.small)
        (cls.att_emma | cls.att_otto).satisfaction = "4"

    def test_employee_cannot_infer_a_classmate_result_in_a_small_session(self):
        session = self.small.with_user(self.user_emma)
        self.assertTrue(session.shared_stats_withheld)
        self.assertEqual(session.shared_pass_rate, 0.0)
        self.assertEqual(session.shared_satisfaction_avg, 0.0)
        with self.assertRaises(AccessError):
            session.read(["pass_rate"])
        with self.assertRaises(AccessError):
            session.read(["passed_count", "satisfaction_avg"])

    def test_officer_reads_the_figures_of_any_session(self):
        session = self.small.with_user(self.user_officer)
        self.assertFalse(session.shared_stats_withheld)
        self.assertEqual(session.shared_pass_rate, 50.0)
        self.assertEqual(session.pass_rate, 50.0)

    def test_figures_are_shared_from_the_minimum_group_size(self):
        Employee = self.env["hr.employee"]
        for index in range(3):
            employee = Employee.create({"name": f"Classmate {index}"})
            attendance = self._completed_attendance(employee, 90.0, self.small)
            attendance.satisfaction = "5"
        session = self.small.with_user(self.user_emma)
        self.assertFalse(session.shared_stats_withheld)
        self.assertEqual(session.shared_pass_rate, 80.0)
        self.assertAlmostEqual(session.shared_satisfaction_avg, 4.6)

    def test_manager_reads_only_his_departments_figures_or_large_groups(self):
        self.company.trainlink_min_group_size = 2
        own = self.department.with_user(self.user_mia)
        self.assertFalse(own.trainlink_indicators_withheld)
        # Of Mia, Eric, Emma and Max Mentor, only Emma trained this year.
        self.assertEqual(own.trainlink_participation_rate, 25.0)
        other = self.other_department.with_user(self.user_mia)
        self.assertTrue(other.trainlink_indicators_withheld)
        self.assertEqual(other.trainlink_participation_rate, 0.0)
        officer_view = self.other_department.with_user(self.user_officer)
        self.assertEqual(officer_view.trainlink_participation_rate, 100.0)

    def test_assessment_cycle_periods_of_another_company_are_not_readable(self):
        other = self.env["res.company"].create({"name": "TL Other Co"})
        lines = self.env["trainlink.assessment.cycle.line"].search(
            [("cycle_id.company_id", "=", other.id)]
        )
        self.assertTrue(lines)
        visible = lines.with_user(self.user_emma).search([("id", "in", lines.ids)])
        self.assertFalse(visible)
        self.assertTrue(
            self.env["trainlink.assessment.cycle.line"]
            .with_user(self.user_emma)
            .search([("company_id", "=", self.company.id)])
        )


@tagged("post_install", "-at_install")
class TestSyncApiBadRows(ContributionCase):
    """Every kind of bad row is rejected with its reason; the good rows of
    the same batch land; a bad run_id is a message, not a crash."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Value = cls.env["trainlink.kpi.value"].with_user(cls.user_sync)
        cls.Api = cls.Contribution.with_user(cls.user_sync)

    def _value_row(self, key, **values):
        return self._kpi_value_row(key, **{"value": 10.0, **values})

    def test_each_bad_kpi_value_row_is_rejected_and_the_good_ones_land(self):
        bad_rows = {
            "field value is out of range": self._value_row("HUGE", value=10**400),
            "field value is out of range ": self._value_row("BIG", value=1e300),
            "field external_key is longer than 255 characters": self._value_row(
                "K" * 3000
            ),
            "missing field external_key": self._value_row("   "),
            "missing field source": self._value_row("BLANK-SOURCE", source=" \t"),
            "field employee_id is out of range": self._value_row(
                "ID", employee_id=2**40
            ),
            "a month runs from the first to the last day of one month": (
                self._value_row(
                    "TWO-YEARS", period_start="2025-12-01", period_end="2026-01-31"
                )
            ),
            "a month runs from the first to the last day of one month ": (
                self._value_row(
                    "MID-MONTH", period_start="2026-02-15", period_end="2026-03-14"
                )
            ),
            "a quarter runs from the first day of January": self._value_row(
                "QUARTER",
                period_type="quarter",
                period_start="2026-02-01",
                period_end="2026-04-30",
            ),
        }
        good = [
            self._value_row("GOOD-1"),
            self._value_row(
                "GOOD-Q1",
                period_type="quarter",
                period_start="2026-01-01",
                period_end="2026-03-31",
            ),
        ]
        result = self.Value.api_upsert([good[0], *bad_rows.values(), good[1]])
        self.assertEqual(result["created"], 2)
        reasons = [r["reason"] for r in result["rejected"]]
        self.assertEqual(len(reasons), len(bad_rows))
        for expected, reason in zip(bad_rows, reasons, strict=True):
            self.assertIn(expected.strip(), reason)
        keys = self.env["trainlink.kpi.value"].search([("source", "=", "crm")])
        self.assertEqual(sorted(keys.mapped("external_key")), ["GOOD-1", "GOOD-Q1"])
        self.assertEqual(len(result["rejected"][2]["external_key"]), 255)

    def test_each_bad_contribution_row_is_rejected_and_the_good_ones_land(self):
        base = self._api_row()
        bad_rows = {
            "field post_value is out of range": {**base, "post_value": 10**400},
            "field baseline_points is out of range": {
                **base,
                "baseline_points": 2**31,
            },
            "field attendance_id is out of range": {**base, "attendance_id": 2**63},
            "missing field kpi_code": {**base, "kpi_code": "  "},
        }
        good = {**base, "kpi_code": "TL_COMPLAINTS"}
        result = self.Api.api_upsert([*bad_rows.values(), good])
        self.assertEqual(result["created"], 1)
        for expected, rejection in zip(bad_rows, result["rejected"], strict=True):
            self.assertIn(expected, rejection["reason"])

    def test_a_bad_run_id_is_a_message_and_nothing_is_written(self):
        Run = self.env["trainlink.sync.run"].with_user(self.user_sync)
        closed = Run.api_start("crm")
        Run.api_finish(closed)
        for run_id, message in (
            (999999, "Unknown sync run 999999"),
            ("abc", "run_id must be the id of a sync run"),
            (2**40, "run_id must be the id of a sync run"),
            (closed, "already closed"),
        ):
            with self.subTest(run_id=run_id):
                with self.assertRaisesRegex(UserError, message):
                    self.Value.api_upsert([self._value_row("RUN")], run_id)
                with self.assertRaisesRegex(UserError, message):
                    self.Api.api_upsert([], run_id)
        self.assertFalse(
            self.env["trainlink.kpi.value"].search([("external_key", "=", "RUN")])
        )
        answer = Run.api_finish("abc")
        self.assertFalse(answer["ok"])
        self.assertIn("run_id must be the id of a sync run", answer["reason"])

    def test_a_run_of_another_company_is_unknown(self):
        other = self.env["res.company"].create({"name": "TL Other Co"})
        run = self.env["trainlink.sync.run"].create(
            {"source": "crm", "company_id": other.id}
        )
        with self.assertRaisesRegex(UserError, f"Unknown sync run {run.id}"):
            self.Value.api_upsert([self._value_row("RUN")], run.id)


@tagged("post_install", "-at_install")
class TestEveryRoleAgainstEveryGuard(ContributionCase):
    """Plain ORM calls, as the employee concerned, a peer, her manager, a
    training officer, an HR officer and the sync user, on a record of each
    model the guards protect: no state, approval, score or rating changes,
    and only officers delete."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_portal_sync = new_test_user(
            cls.env, login="tl_matrix_sync", groups=f"base.group_portal,{GROUP_SYNC}"
        )
        plan = cls._plan(cls.attendance)
        plan.action_approve()
        path = cls.env["trainlink.promotion.path"].create(
            {"job_id": cls.env["hr.job"].create({"name": "TL Matrix Lead"}).id}
        )
        run = cls.env["trainlink.sync.run"].create({"source": "crm"})
        cls.guarded = {
            "plan": (plan, {"state": "done"}),
            "case": (
                cls.env["trainlink.practice.case"].create(
                    {"name": "Matrix case", "plan_id": plan.id}
                ),
                {"state": "approved"},
            ),
            "need": (
                cls.env["trainlink.need"].create(
                    {
                        "name": "Matrix need",
                        "department_id": cls.department.id,
                        "employee_ids": [(6, 0, cls.emma.ids)],
                    }
                ),
                {"state": "approved"},
            ),
            "attendance": (cls.attendance, {"state": "cancelled"}),
            "score": (
                cls.env["trainlink.performance.score"].create(
                    {"employee_id": cls.emma.id, "period_start": "2026-01-01"}
                ),
                {"final_score": 99.0},
            ),
            "contribution": (
                cls._contribution(post_value=90.0),
                {"rating": "excellent"},
            ),
            "kpi value": (
                cls.env["trainlink.kpi.value"].create(
                    {
                        "employee_id": cls.emma.id,
                        "kpi_id": cls.kpi_revenue.id,
                        "company_id": cls.company.id,
                        "period_start": "2026-01-01",
                        "period_end": "2026-01-31",
                        "value": 1.0,
                        "source": "matrix",
                        "external_key": "M1",
                    }
                ),
                {"run_id": run.id},
            ),
            "check-in": (
                cls.env["trainlink.application.checkin"].create(
                    {"plan_id": plan.id, "date": "2026-03-13"}
                ),
                {"reviewer_id": cls.user_emma.id},
            ),
            "candidacy": (
                cls.env["trainlink.promotion.candidate"].create(
                    {"employee_id": cls.emma.id, "path_id": path.id}
                ),
                {"state": "promoted"},
            ),
            "sync run": (run, {"state": "done"}),
            "sync lock": (
                cls.env["trainlink.sync.lock"].create(
                    {"company_id": cls.company.id, "holder": "host-a"}
                ),
                {"holder": "forged"},
            ),
        }

    def _roles(self):
        return {
            "employee": self.user_emma,
            "peer": self.user_otto,
            "manager": self.user_eric,
            "training officer": self.user_officer,
            "HR officer": self.user_hr,
            "sync user": self.user_portal_sync,
        }

    def test_nobody_writes_a_guarded_field_with_a_plain_write(self):
        for name, (record, vals) in self.guarded.items():
            before = {field: record[field] for field in vals}
            for role, user in self._roles().items():
                with self.subTest(model=name, role=role):
                    with self.assertRaises(AccessError):
                        record.with_user(user).write(vals)
            self.assertEqual({field: record[field] for field in vals}, before, name)

    def test_nobody_creates_changes_or_deletes_a_sync_run_by_hand(self):
        """A sync run is the worker's log: every role reads it at most (the
        officers), and its counts, the trainings left alone included, come
        from the sync API only."""
        run, _vals = self.guarded["sync run"]
        before = run.read(["state", "read_count", "left_alone_count"])
        for role, user in self._roles().items():
            Run = self.env["trainlink.sync.run"].with_user(user)
            with self.subTest(role=role, operation="create"):
                with self.assertRaises(AccessError):
                    Run.create({"source": "forged", "left_alone_count": 5})
            with self.subTest(role=role, operation="write"):
                with self.assertRaises(AccessError):
                    run.with_user(user).write({"left_alone_count": 5})
            with self.subTest(role=role, operation="unlink"):
                with self.assertRaises(AccessError):
                    run.with_user(user).unlink()
        self.assertEqual(run.read(["state", "read_count", "left_alone_count"]), before)
        self.assertFalse(
            self.env["trainlink.sync.run"].search([("source", "=", "forged")])
        )

    def test_only_officers_delete_and_managers_their_teams_check_ins(self):
        for name, (record, _vals) in self.guarded.items():
            roles = ("employee", "peer", "sync user")
            if name != "check-in":  # managers record and correct check-ins
                roles += ("manager",)
            for role in roles:
                with self.subTest(model=name, role=role):
                    with self.assertRaises(AccessError):
                        record.with_user(self._roles()[role]).unlink()
            self.assertTrue(record.exists(), name)

    def test_nobody_deletes_a_record_about_themselves(self):
        officer = self.env["hr.employee"].create(
            {"name": "Olga Officer", "user_id": self.user_officer.id}
        )
        attendance = self._completed_attendance(officer)
        with self.assertRaisesRegex(AccessError, "is about you"):
            attendance.with_user(self.user_officer).unlink()
        eric_plan = self._plan(self._completed_attendance(self.eric))
        eric_plan.action_approve()
        checkin = self.env["trainlink.application.checkin"].create(
            {"plan_id": eric_plan.id, "date": "2026-03-13"}
        )
        with self.assertRaisesRegex(AccessError, "is about you"):
            checkin.with_user(self.user_eric).unlink()
        self.assertTrue(attendance.exists() and checkin.exists())

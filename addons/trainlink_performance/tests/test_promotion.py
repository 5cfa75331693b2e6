from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..models.trainlink_promotion_candidate import time_left_text
from .common_contribution import ContributionCase


@tagged("post_install", "-at_install")
class PromotionCase(ContributionCase):
    """Team leader path: Negotiation (Emma passed it with 90) and Key
    Accounts, both with a score of at least 80, one approved practice case
    and a latest confirmed performance score of at least 70."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Candidate = cls.env["trainlink.promotion.candidate"]
        cls.job_lead = cls.env["hr.job"].create({"name": "TL Team Leader"})
        cls.course_accounts = cls.env["trainlink.course"].create(
            {"name": "Key Accounts", "job_family": "sales", "passing_score": 60.0}
        )
        cls.path = cls.env["trainlink.promotion.path"].create(
            {
                "job_id": cls.job_lead.id,
                "course_ids": [
                    fields.Command.set([cls.course.id, cls.course_accounts.id])
                ],
                "kpi_ids": [
                    fields.Command.set([cls.kpi_revenue.id, cls.kpi_complaints.id])
                ],
            }
        )
        cls.plan = cls._plan(cls.attendance)

    @classmethod
    def _candidate(cls, employee=None, path=None):
        return cls.Candidate.create(
            {
                "employee_id": (employee or cls.emma).id,
                "path_id": (path or cls.path).id,
            }
        )

    @classmethod
    def _accounts_session(cls, **values):
        return cls._session(course_id=cls.course_accounts.id, **values)

    @classmethod
    def _approved_case(cls, plan=None):
        return cls.env["trainlink.practice.case"].create(
            {
                "name": "Faster quotes",
                "plan_id": (plan or cls.plan).id,
                "state": "approved",
            }
        )

    @classmethod
    def _confirmed_score(cls, employee, final_score, period_start="2026-04-01"):
        return cls.env["trainlink.performance.score"].create(
            {
                "employee_id": employee.id,
                "period_type": "quarter",
                "period_start": period_start,
                "final_score": final_score,
                "state": "confirmed",
            }
        )

    @classmethod
    def _make_emma_eligible(cls):
        cls._completed_attendance(cls.emma, 85.0, cls._accounts_session())
        cls._approved_case()
        cls._confirmed_score(cls.emma, 82.0)


class TestPromotionGates(PromotionCase):
    def test_course_below_minimum_score_is_missing_even_if_passed(self):
        # 75 passes the course (pass mark 60) but not the promotion gate (80).
        attendance = self._completed_attendance(
            self.emma, 75.0, self._accounts_session()
        )
        self.assertTrue(attendance.passed)
        candidate = self._candidate()
        self.assertEqual(candidate.passed_course_ids, self.course)
        self.assertEqual(candidate.missing_course_ids, self.course_accounts)
        self.assertEqual(candidate.course_progress, "1 / 2")
        self.assertFalse(candidate.courses_ok)
        self.assertFalse(candidate.eligible)
        self.assertIn("1 course left", candidate.progress_summary)

    def test_best_score_of_retakes_counts_and_open_training_does_not(self):
        self._completed_attendance(self.emma, 70.0, self._accounts_session())
        enrolled = self.env["trainlink.attendance"].create(
            {
                "session_id": self._accounts_session(
                    date_start="2026-05-04", date_end="2026-05-05"
                ).id,
                "employee_id": self.emma.id,
                "exam_score": 95.0,
            }
        )
        candidate = self._candidate()
        self.assertIn(self.course_accounts, candidate.missing_course_ids)
        enrolled.action_mark_present()
        enrolled.action_complete()
        candidate.invalidate_recordset()
        self.assertTrue(candidate.courses_ok)

    def test_only_approved_practice_cases_count(self):
        case = self.env["trainlink.practice.case"].create(
            {"name": "Draft case", "plan_id": self.plan.id}
        )
        candidate = self._candidate()
        self.assertEqual(candidate.approved_case_count, 0)
        self.assertFalse(candidate.cases_ok)
        case.action_submit()
        candidate.invalidate_recordset()
        self.assertFalse(candidate.cases_ok)
        case.with_user(self.user_eric).action_approve()
        candidate.invalidate_recordset()
        self.assertEqual(candidate.approved_case_count, 1)
        self.assertTrue(candidate.cases_ok)

    def test_performance_gate_uses_latest_confirmed_score(self):
        candidate = self._candidate()
        self.assertFalse(candidate.performance_ok, "no confirmed score yet")
        draft = self._confirmed_score(self.emma, 95.0)
        draft.state = "draft"
        candidate.invalidate_recordset()
        self.assertFalse(candidate.performance_ok, "a draft score does not count")
        self._confirmed_score(self.emma, 90.0, "2026-01-01")
        self._confirmed_score(self.emma, 65.0, "2026-07-01")
        candidate.invalidate_recordset()
        self.assertEqual(candidate.performance_score, 65.0)
        self.assertFalse(candidate.performance_ok)
        self.assertIn("performance score 65.0 below 70.0", candidate.progress_summary)

    def test_no_performance_condition_when_minimum_is_zero(self):
        self.path.min_performance_score = 0.0
        self.assertTrue(self._candidate().performance_ok)

    def test_eligible_when_every_gate_passes(self):
        self._make_emma_eligible()
        candidate = self._candidate()
        self.assertTrue(candidate.courses_ok and candidate.cases_ok)
        self.assertTrue(candidate.performance_ok)
        self.assertTrue(candidate.eligible)
        self.assertEqual(
            candidate.progress_summary,
            "All gates passed: ready for the promotion review",
        )
        self.assertEqual(candidate.days_left, 0)
        self.assertFalse(candidate.next_course_id)

    def test_a_candidate_who_meets_every_gate_is_told_once(self):
        candidate = self._candidate()
        self.Candidate._cron_notify_ready()
        self.assertFalse(candidate.ready_notified, "not eligible yet: no notice")
        self._make_emma_eligible()
        self.Candidate._cron_notify_ready()
        self.assertTrue(candidate.ready_notified)
        self.assertEqual(
            set(candidate.activity_ids.user_id), {self.user_emma, self.user_eric}
        )
        notice = candidate.message_ids.filtered(
            lambda m: "meets every gate" in (m.body or "")
        )
        self.assertEqual(len(notice), 1)
        self.assertIn(self.user_emma.partner_id, notice.partner_ids)
        self.Candidate._cron_notify_ready()
        self.assertEqual(len(candidate.activity_ids), 2, "told once")

    def test_search_by_eligibility(self):
        self._make_emma_eligible()
        emma = self._candidate()
        otto = self._candidate(self.otto)
        mine = [("path_id", "=", self.path.id)]  # demo data has candidates too
        self.assertEqual(self.Candidate.search([("eligible", "=", True), *mine]), emma)
        self.assertEqual(self.Candidate.search([("eligible", "=", False), *mine]), otto)
        self.assertEqual(self.Candidate.search([("eligible", "!=", True), *mine]), otto)
        with self.assertRaisesRegex(UserError, "true or false"):
            self.Candidate.search([("eligible", "in", [True])])


class TestPromotionTimeLeft(PromotionCase):
    def test_time_left_sentences(self):
        self.assertEqual(
            [time_left_text(self.env, d) for d in (0, 3, 7, 13, 20, 28, 45, 90)],
            [
                "",
                "less than a week",
                "about 1 week",
                "about 2 weeks",
                "about 3 weeks",
                "about 1 month",
                "about 1 month",
                "about 3 months",
            ],
        )

    def test_progress_sentence_reads_as_chinese_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(
            ["trainlink_performance"], ["zh_CN"]
        )
        self.path.practice_cases_required = 0
        self._confirmed_score(self.otto, 80.0)
        candidate = self._candidate(self.otto).with_context(lang="zh_CN")
        summary = candidate.progress_summary
        self.assertIn("，", summary, "a Chinese comma between the parts")
        self.assertNotIn(", ", summary)
        self.assertNotIn("left", summary)

    def test_two_unplanned_courses_take_about_a_month(self):
        """The example of the HR practice: '2 courses left, about 1 month'."""
        self.path.practice_cases_required = 0
        self._confirmed_score(self.otto, 80.0)
        candidate = self._candidate(self.otto)
        self.assertEqual(candidate.missing_course_ids, self.path.course_ids)
        self.assertEqual(candidate.days_left, 28)
        self.assertEqual(candidate.progress_summary, "2 courses left, about 1 month")
        self.assertEqual(candidate.next_course_id, candidate.missing_course_ids[:1])
        self.assertFalse(candidate.next_session_id)
        self.assertEqual(
            candidate.ready_date,
            fields.Date.add(fields.Date.context_today(candidate), days=28),
        )

    def test_missing_case_adds_its_days(self):
        self._completed_attendance(self.emma, 85.0, self._accounts_session())
        self._confirmed_score(self.emma, 82.0)
        candidate = self._candidate()
        self.assertEqual(candidate.days_left, 30)
        self.assertEqual(
            candidate.progress_summary, "1 approved practice case left, about 1 month"
        )

    def test_planned_session_gives_next_course_and_ready_date(self):
        self._approved_case()
        self._confirmed_score(self.emma, 82.0)
        upcoming = self._future_session(course_id=self.course_accounts.id)
        candidate = self._candidate()
        self.assertEqual(candidate.next_course_id, self.course_accounts)
        self.assertEqual(candidate.next_session_id, upcoming)
        self.assertEqual(candidate.ready_date, upcoming.date_end)
        self.assertEqual(candidate.days_left, 31)
        self.assertEqual(candidate.progress_summary, "1 course left, about 1 month")

    def test_session_the_candidate_is_enrolled_in_comes_first(self):
        self._future_session(course_id=self.course_accounts.id)
        start = fields.Date.add(fields.Date.today(), days=60)
        later = self._session(
            course_id=self.course_accounts.id,
            date_start=start,
            date_end=fields.Date.add(start, days=1),
        )
        self.env["trainlink.attendance"].create(
            {"session_id": later.id, "employee_id": self.emma.id}
        )
        candidate = self._candidate()
        self.assertEqual(candidate.next_session_id, later)
        # The missing practice case follows the course: 30 more days.
        self.assertEqual(candidate.ready_date, fields.Date.add(later.date_end, days=30))

    def test_past_and_cancelled_sessions_are_not_planned(self):
        self._approved_case()
        self._confirmed_score(self.emma, 82.0)
        self._accounts_session()  # in March 2026, before today
        self._future_session(course_id=self.course_accounts.id).action_cancel()
        candidate = self._candidate()
        self.assertFalse(candidate.next_session_id)
        self.assertEqual(candidate.next_course_id, self.course_accounts)
        self.assertEqual(candidate.days_left, 14)


class TestPromotionReview(PromotionCase):
    def test_whoever_misses_a_gate_cannot_enter_the_review_however_senior(self):
        # Mia heads the department; she has no training at all.
        candidate = self._candidate(self.mia)
        with self.assertRaisesRegex(UserError, "Mia cannot enter the promotion review"):
            candidate.with_user(self.user_officer).action_submit_review()
        self.assertEqual(candidate.state, "path")
        self.assertFalse(candidate.review_date)

    def test_review_freezes_scores_weighted_30_percent_training(self):
        self._make_emma_eligible()
        candidate = self._candidate()
        # Course part: best scores 90 and 85 -> 87.5; both KPIs of the job are
        # covered by the passed Negotiation course -> match 100; no measured
        # contribution yet -> the effect is left out.
        self.assertAlmostEqual(candidate.course_score_avg, 87.5)
        self.assertEqual(candidate.competency_match, 100.0)
        self.assertFalse(candidate.has_effect)
        self.assertAlmostEqual(candidate.training_score, 93.75)
        self.assertAlmostEqual(candidate.live_review_score, 0.3 * 93.75 + 0.7 * 82.0)
        candidate.with_user(self.user_eric).action_submit_review()
        self.assertEqual(candidate.state, "review")
        self.assertEqual(candidate.review_date, fields.Date.context_today(candidate))
        self.assertAlmostEqual(candidate.review_score, 85.525)
        self.assertAlmostEqual(candidate.review_performance_score, 82.0)
        # A later score moves the live figure, not the one under review.
        self._confirmed_score(self.emma, 60.0, "2026-10-01")
        candidate.invalidate_recordset()
        self.assertAlmostEqual(candidate.review_score, 85.525)
        self.assertNotAlmostEqual(candidate.live_review_score, 85.525)

    def test_measured_effect_joins_the_training_evidence(self):
        self._make_emma_eligible()
        self._contribution()  # net lift 20 % -> excellent (100 points)
        self._contribution(kpi=self.kpi_complaints, post_value=100.0)  # 0 % -> fair
        candidate = self._candidate()
        # Computed together with Otto's, who has no training at all.
        both = candidate | self._candidate(self.otto)
        both.invalidate_recordset()
        candidate, otto = both  # one prefetch set: computed in one batch
        self.assertTrue(candidate.has_effect)
        self.assertAlmostEqual(candidate.effect_score, (100.0 + 70.0) / 2)
        self.assertAlmostEqual(candidate.training_score, (87.5 + 100.0 + 85.0) / 3)
        self.assertFalse(otto.has_effect)
        self.assertEqual((otto.competency_match, otto.training_score), (0.0, 0.0))

    def test_competency_match_counts_kpis_of_passed_courses(self):
        self.path.kpi_ids |= self.env["trainlink.kpi"].create(
            {"code": "TL_OUTPUT", "name": "Output per hour", "direction": "higher"}
        )
        candidate = self._candidate()
        self.assertAlmostEqual(candidate.competency_match, 200.0 / 3)
        self.path.kpi_ids = False
        candidate.invalidate_recordset()
        self.assertEqual(candidate.competency_match, 0.0)
        # Without job competencies the match is left out of the evidence.
        self.assertAlmostEqual(candidate.training_score, 90.0 / 2)

    def test_only_hr_promotes_and_the_job_changes(self):
        self._make_emma_eligible()
        candidate = self._candidate()
        candidate.with_user(self.user_eric).action_submit_review()
        with self.assertRaisesRegex(AccessError, "Only HR decides"):
            candidate.with_user(self.user_eric).action_promote()
        candidate.with_user(self.user_officer).action_promote()
        self.assertEqual(candidate.state, "promoted")
        self.assertEqual(self.emma.job_id, self.job_lead)
        self.assertEqual(candidate.decision_date, fields.Date.context_today(candidate))
        with self.assertRaisesRegex(UserError, "does not apply"):
            candidate.with_user(self.user_officer).action_decline()

    def test_decline_then_back_to_the_path(self):
        self._make_emma_eligible()
        candidate = self._candidate()
        candidate.action_submit_review()
        with self.assertRaisesRegex(UserError, "only a candidate on the path"):
            candidate.action_submit_review()
        with self.assertRaisesRegex(AccessError, "Only HR decides"):
            candidate.with_user(self.user_eric).action_decline()
        candidate.with_user(self.user_officer).action_decline()
        self.assertEqual(candidate.state, "declined")
        self.assertFalse(self.emma.job_id == self.job_lead)
        candidate.with_user(self.user_officer).action_back_to_path()
        self.assertEqual(candidate.state, "path")
        self.assertFalse(candidate.review_date)
        self.assertEqual(candidate.review_score, 0.0)

    def test_review_report_shows_training_evidence(self):
        self._make_emma_eligible()
        self._contribution()
        candidate = self._candidate()
        # Printed by Emma's manager, who may not read job positions himself.
        html = str(
            self.env["ir.actions.report"]
            .with_user(self.user_eric)
            ._render_qweb_html(
                "trainlink_performance.trainlink_promotion_review_report",
                candidate.ids,
            )[0]
        )
        self.assertIn("Promotion Review", html)
        self.assertIn("TL Team Leader", html)
        for text in ("Negotiation", "Key Accounts", "90.0", "85.0", "20.0", "Revenue"):
            self.assertIn(text, html)

    def test_employee_smart_button_counts_open_paths(self):
        candidate = self._candidate()
        self.assertEqual(self.emma.trainlink_promotion_count, 1)
        action = self.emma.action_open_trainlink_promotions()
        self.assertEqual(self.Candidate.search(action["domain"]), candidate)
        self.assertEqual(action["context"]["default_employee_id"], self.emma.id)
        public = self.env["hr.employee.public"].browse(self.emma.id)
        self.assertEqual(public.with_user(self.user_emma).trainlink_promotion_count, 1)
        public.invalidate_recordset()
        self.assertEqual(public.with_user(self.user_otto).trainlink_promotion_count, 0)


class TestPromotionBadInput(PromotionCase):
    def test_path_values_are_checked(self):
        for values, message in (
            ({"min_course_score": 101}, "minimum course score"),
            ({"training_weight": -1}, "training weight"),
            ({"practice_cases_required": -1}, "cannot be negative"),
            ({"days_per_course": -3}, "cannot be negative"),
        ):
            with self.subTest(values=values):
                with self.assertRaisesRegex(ValidationError, message):
                    self.path.write(values)
        self.assertEqual(self.path.min_course_score, 80.0)

    @mute_logger("odoo.sql_db")
    def test_one_path_per_job_and_one_candidacy_per_employee(self):
        self._candidate()
        with self.assertRaises(IntegrityError), self.env.cr.savepoint():
            self._candidate()
        with self.assertRaises(IntegrityError), self.env.cr.savepoint():
            self.env["trainlink.promotion.path"].create({"job_id": self.job_lead.id})

    def test_path_job_courses_and_candidates_share_the_company(self):
        other = self.env["res.company"].create({"name": "TL Other Co"})
        with self.assertRaisesRegex(UserError, "ncompatible compan"):
            self.env["trainlink.promotion.path"].create(
                {"job_id": self.job_lead.id, "company_id": other.id}
            )
        stranger = self.env["hr.employee"].create(
            {"name": "Stranger", "company_id": other.id}
        )
        with self.assertRaisesRegex(UserError, "ncompatible compan"):
            self._candidate(stranger)
        self.assertFalse(self.Candidate.search([("employee_id", "=", stranger.id)]))

    def test_path_used_by_candidates_cannot_be_deleted(self):
        self._candidate()
        with self.assertRaisesRegex(UserError, "archive the requirements"):
            self.path.unlink()
        self.assertTrue(self.path.exists())
        self.path.candidate_ids.unlink()
        self.path.unlink()
        self.assertFalse(self.path.exists())


class TestPromotionSecurity(PromotionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.emma_candidate = cls._candidate()
        cls.otto_candidate = cls._candidate(cls.otto)

    def test_rule_employee_sees_only_own_path_and_changes_nothing(self):
        Candidate = self.Candidate.with_user(self.user_emma)
        self.assertEqual(Candidate.search([]), self.emma_candidate)
        with self.assertRaises(AccessError):
            self.otto_candidate.with_user(self.user_emma).read(["state"])
        with self.assertRaises(AccessError):
            self.emma_candidate.with_user(self.user_emma).write({"decision_note": "x"})
        with self.assertRaises(AccessError):
            Candidate.create({"employee_id": self.emma.id, "path_id": self.path.id})
        with self.assertRaises(AccessError):
            self.emma_candidate.with_user(self.user_emma).action_submit_review()

    def test_employee_reads_own_gates_and_scores(self):
        self._make_emma_eligible()
        candidate = self.emma_candidate.with_user(self.user_emma)
        candidate.invalidate_recordset()
        self.assertTrue(candidate.eligible)
        self.assertEqual(candidate.performance_score, 82.0)

    def test_rule_manager_nominates_and_submits_the_team_only(self):
        Candidate = self.Candidate.with_user(self.user_eric)
        self.assertEqual(Candidate.search([]), self.emma_candidate)
        with self.assertRaises(AccessError):
            self.otto_candidate.with_user(self.user_eric).write({"decision_note": "x"})
        with self.assertRaises(AccessError):
            Candidate.create({"employee_id": self.mentor.id, "path_id": self.path.id})
        self.emma_candidate.with_user(self.user_eric).write(
            {"decision_note": "Ready soon"}
        )
        self.assertEqual(self.emma_candidate.decision_note, "Ready soon")
        with self.assertRaises(AccessError):
            self.emma_candidate.with_user(self.user_eric).unlink()

    def test_manager_cannot_nominate_self(self):
        with self.assertRaisesRegex(AccessError, "not yourself"):
            self.Candidate.with_user(self.user_eric).create(
                {"employee_id": self.eric.id, "path_id": self.path.id}
            )

    def test_manager_changes_state_and_scores_through_buttons_only(self):
        candidate = self.emma_candidate.with_user(self.user_eric)
        with self.assertRaisesRegex(AccessError, "buttons only"):
            candidate.write({"state": "promoted"})
        with self.assertRaisesRegex(AccessError, "buttons only"):
            candidate.write({"review_score": 99.0})
        with self.assertRaisesRegex(AccessError, "another employee or job"):
            candidate.write({"employee_id": self.mentor.id})
        with self.assertRaisesRegex(AccessError, "buttons only"):
            self.Candidate.with_user(self.user_mia).create(
                {
                    "employee_id": self.mentor.id,
                    "path_id": self.path.id,
                    "state": "review",
                }
            )
        self.assertEqual(self.emma_candidate.state, "path")
        self.assertEqual(self.emma_candidate.employee_id, self.emma)

    def test_rule_officer_sees_changes_and_deletes_all(self):
        Candidate = self.Candidate.with_user(self.user_officer)
        self.assertEqual(
            Candidate.search([("path_id", "=", self.path.id)]),
            self.emma_candidate | self.otto_candidate,
        )
        self.otto_candidate.with_user(self.user_officer).write(
            {"employee_id": self.mentor.id}
        )
        self.otto_candidate.with_user(self.user_officer).unlink()
        self.assertFalse(self.otto_candidate.exists())

    def test_rule_multi_company_hides_other_company_candidates(self):
        other = self.env["res.company"].create({"name": "TL Other Co"})
        foreign_job = self.env["hr.job"].create(
            {"name": "TL Team Leader", "company_id": other.id}
        )
        foreign_path = self.env["trainlink.promotion.path"].create(
            {"job_id": foreign_job.id, "company_id": other.id}
        )
        foreign = self.Candidate.create(
            {
                "employee_id": self.env["hr.employee"]
                .create({"name": "Foreign", "company_id": other.id})
                .id,
                "path_id": foreign_path.id,
            }
        )
        self.assertNotIn(
            foreign, self.Candidate.with_user(self.user_officer).search([])
        )
        self.assertNotIn(
            foreign_path,
            self.env["trainlink.promotion.path"]
            .with_user(self.user_officer)
            .search([]),
        )

    def test_paths_are_read_by_everyone_and_set_by_officers(self):
        path = self.path.with_user(self.user_emma)
        self.assertEqual(path.job_id, self.job_lead)
        with self.assertRaises(AccessError):
            path.write({"min_course_score": 50.0})
        with self.assertRaises(AccessError):
            self.path.with_user(self.user_eric).write({"min_course_score": 50.0})
        self.path.with_user(self.user_officer).write({"min_course_score": 75.0})
        self.assertEqual(self.path.min_course_score, 75.0)

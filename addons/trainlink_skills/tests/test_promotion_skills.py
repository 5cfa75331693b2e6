from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import SkillsCase


@tagged("post_install", "-at_install")
class TestPromotionSkills(SkillsCase):
    """Team leader: Negotiation at Intermediate at least, no other gate."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.job_lead = cls.env["hr.job"].create({"name": "TL Team Leader"})
        cls.path = cls.env["trainlink.promotion.path"].create(
            {
                "job_id": cls.job_lead.id,
                "practice_cases_required": 0,
                "min_performance_score": 0.0,
                "skill_ids": [
                    fields.Command.create(
                        cls._skill_vals(cls.negotiation, cls.intermediate)
                    )
                ],
            }
        )
        cls.candidate = cls.env["trainlink.promotion.candidate"].create(
            {"employee_id": cls.emma.id, "path_id": cls.path.id}
        )

    def test_skill_gate_blocks_until_the_level_is_reached(self):
        candidate = self.candidate
        self.assertTrue(candidate.courses_ok)
        self.assertTrue(candidate.cases_ok)
        self.assertTrue(candidate.performance_ok)
        self.assertFalse(candidate.skills_ok)
        self.assertFalse(candidate.eligible)
        self.assertEqual(candidate.missing_skill_ids, self.negotiation)
        self.assertEqual(candidate.skill_progress, "0 / 1")
        self.assertEqual(
            candidate.progress_summary, "TL Negotiation below TL Intermediate"
        )
        self.assertNotIn(
            candidate,
            self.env["trainlink.promotion.candidate"].search([("eligible", "=", True)]),
        )
        with self.assertRaisesRegex(UserError, "TL Negotiation below"):
            candidate.with_user(self.user_eric).action_submit_review()
        # A lower level is not enough.
        employee_skill = self._employee_skill(
            self.emma, self.negotiation, self.beginner
        )
        candidate.invalidate_recordset()
        self.assertFalse(candidate.skills_ok)
        # Passing the course brings the level: the gate opens.
        self._completed_attendance(self.emma, 90.0)
        self.assertEqual(employee_skill.skill_level_id, self.intermediate)
        candidate.invalidate_recordset()
        self.assertTrue(candidate.skills_ok)
        self.assertTrue(candidate.eligible)
        self.assertFalse(candidate.missing_skill_ids)
        self.assertEqual(candidate.skill_progress, "1 / 1")
        self.assertEqual(
            candidate.progress_summary,
            "All gates passed: ready for the promotion review",
        )
        self.assertIn(
            candidate,
            self.env["trainlink.promotion.candidate"].search([("eligible", "=", True)]),
        )
        candidate.with_user(self.user_eric).action_submit_review()
        self.assertEqual(candidate.state, "review")

    def test_a_higher_level_passes_the_gate(self):
        self._employee_skill(self.emma, self.negotiation, self.advanced)
        self.assertTrue(self.candidate.skills_ok)
        self.assertTrue(self.candidate.eligible)

    def test_sentence_lists_skills_next_to_the_other_gates(self):
        self.path.skill_ids = [
            fields.Command.create(self._skill_vals(self.closing, self.beginner))
        ]
        self.path.course_ids = self.course
        self.candidate.invalidate_recordset()
        self.assertEqual(self.candidate.skill_progress, "0 / 2")
        self.assertEqual(
            self.candidate.missing_skill_ids, self.negotiation | self.closing
        )
        summary = self.candidate.progress_summary
        self.assertTrue(summary.startswith("1 course left"), summary)
        self.assertTrue(summary.endswith("2 skills below the required level"), summary)

    def test_path_without_skills_is_unchanged(self):
        self.path.skill_ids = [fields.Command.clear()]
        self.candidate.invalidate_recordset()
        self.assertTrue(self.candidate.skills_ok)
        self.assertEqual(self.candidate.skill_progress, "0 / 0")
        self.assertTrue(self.candidate.eligible)

    def test_employee_reads_own_path_with_its_skills(self):
        candidate = self.candidate.with_user(self.user_emma)
        self.assertFalse(candidate.skills_ok)
        self.assertEqual(candidate.missing_skill_ids.name, "TL Negotiation")
        self.assertEqual(
            candidate.path_id.skill_ids.skill_level_id.name, "TL Intermediate"
        )

    def test_other_company_path_skills_are_hidden(self):
        other = self.env["res.company"].create({"name": "TL Other Co"})
        path = self.env["trainlink.promotion.path"].create(
            {
                "job_id": self.env["hr.job"]
                .create({"name": "TL Other Lead", "company_id": other.id})
                .id,
                "company_id": other.id,
                "skill_ids": [
                    fields.Command.create(
                        self._skill_vals(self.negotiation, self.intermediate)
                    )
                ],
            }
        )
        PathSkill = self.env["trainlink.promotion.path.skill"].with_user(
            self.user_officer
        )
        self.assertEqual(path.skill_ids.company_id, other)
        self.assertFalse(PathSkill.search([("id", "=", path.skill_ids.id)]))
        self.assertEqual(
            PathSkill.search([("path_id", "=", self.path.id)]), self.path.skill_ids
        )

    def test_review_report_shows_the_skills_gate(self):
        self._employee_skill(self.emma, self.negotiation, self.advanced)
        html = str(
            self.env["ir.actions.report"]
            .with_user(self.user_eric)
            ._render_qweb_html(
                "trainlink_performance.trainlink_promotion_review_report",
                self.candidate.ids,
            )[0]
        )
        self.assertIn("TL Negotiation: TL Intermediate", html)
        self.assertIn("1 / 1", html)

    def test_demo_data(self):
        li_na = self.env.ref(
            "trainlink_skills.path_skill_sales_leadership_demo",
            raise_if_not_found=False,
        )
        if not li_na:
            self.skipTest("no demo data")
        leadership = self.env.ref("hr_skills.hr_skill_leadership")
        candidate = self.env.ref("trainlink_performance.promotion_candidate_li_na_demo")
        self.assertTrue(candidate.skills_ok)
        self.assertIn(leadership, candidate.employee_id.employee_skill_ids.skill_id)
        zhao_lei = self.env.ref(
            "trainlink_performance.promotion_candidate_zhao_lei_demo"
        )
        self.assertEqual(
            zhao_lei.missing_skill_ids,
            self.env.ref("hr_skills.hr_skill_problem_solving"),
        )
        self.assertFalse(zhao_lei.eligible)

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import TrainlinkCase


@tagged("post_install", "-at_install")
class TestNeed(TrainlinkCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.need = cls.env["trainlink.need"].create(
            {
                "name": "Low closing rate",
                "department_id": cls.department.id,
                "kpi_id": cls.kpi_revenue.id,
                "current_value": 320000,
                "target_value": 500000,
                "employee_ids": [(6, 0, (cls.emma | cls.eric).ids)],
            }
        )

    def test_priority_is_impact_times_urgency(self):
        expected = {
            ("1", "1"): (1, "low"),
            ("2", "3"): (6, "medium"),
            ("3", "4"): (12, "high"),
            ("4", "5"): (20, "critical"),
            ("5", "5"): (25, "critical"),
            ("5", "1"): (5, "low"),
        }
        for (impact, urgency), (score, level) in expected.items():
            self.need.write({"impact": impact, "urgency": urgency})
            self.assertEqual(self.need.priority_score, score, (impact, urgency))
            self.assertEqual(self.need.priority, level, (impact, urgency))

    def test_needs_are_ordered_by_priority(self):
        urgent = self.need.copy({"name": "Urgent", "impact": "5", "urgency": "5"})
        needs = self.env["trainlink.need"].search(
            [("id", "in", (urgent | self.need).ids)]
        )
        self.assertEqual(needs[0], urgent)

    def test_gap_follows_kpi_direction(self):
        self.assertEqual(self.need.gap, 180000)
        self.assertAlmostEqual(self.need.gap_percent, 36.0)
        complaints = self.need.copy(
            {
                "kpi_id": self.kpi_complaints.id,
                "current_value": 5.0,
                "target_value": 2.0,
            }
        )
        self.assertEqual(complaints.gap, 3.0)
        self.assertAlmostEqual(complaints.gap_percent, 150.0)

    def test_department_manager_approves(self):
        self.need.with_user(self.user_mia).action_approve()
        self.assertEqual(self.need.state, "approved")
        self.assertEqual(self.need.approved_by_id, self.user_mia)

    def test_manager_of_another_department_cannot_approve(self):
        other_manager = self.env["hr.employee"].create(
            {
                "name": "Paul",
                "user_id": self._user(
                    "tl_paul", "trainlink_performance.group_trainlink_manager"
                ).id,
            }
        )
        self.other_department.manager_id = other_manager
        with self.assertRaises(AccessError):
            self.need.with_user(other_manager.user_id).action_approve()
        self.assertEqual(self.need.state, "new")

    def test_employee_cannot_approve(self):
        with self.assertRaises(AccessError):
            self.need.with_user(self.user_emma).action_approve()

    def test_officer_approves_any_department(self):
        self.need.department_id = self.other_department
        self.need.with_user(self.user_officer).action_approve()
        self.assertEqual(self.need.state, "approved")

    def test_planning_requires_a_course(self):
        self.need.action_approve()
        with self.assertRaisesRegex(UserError, "choose the course"):
            self.need.action_plan()
        self.need.course_id = self.course
        self.need.action_plan()
        self.assertEqual(self.need.state, "planned")

    def test_need_is_covered_when_all_its_employees_completed_the_course(self):
        self.need.write({"course_id": self.course.id})
        self.need.action_approve()
        self.need.action_plan()
        session = self._session()
        self._completed_attendance(self.emma, session=session)
        self.assertEqual(self.need.state, "planned")
        self.assertEqual(self.need.trained_count, 1)
        self._completed_attendance(self.eric, session=session)
        self.assertEqual(self.need.state, "covered")

    def test_failed_attendance_still_counts_as_trained_but_absent_does_not(self):
        self.need.write(
            {"course_id": self.course.id, "employee_ids": [(6, 0, self.emma.ids)]}
        )
        self.need.action_plan()
        attendance = self.env["trainlink.attendance"].create(
            {"session_id": self._session().id, "employee_id": self.emma.id}
        )
        attendance.action_mark_absent()
        self.assertEqual(self.need.state, "planned")

    def test_enrol_wizard_from_need_enrols_its_employees_and_plans_it(self):
        self.need.course_id = self.course
        session = self._session()
        action = self.need.action_enrol()
        wizard = (
            self.env["trainlink.enrol.wizard"]
            .with_context(**action["context"])
            .create({"session_id": session.id})
        )
        self.assertEqual(wizard.employee_ids, self.emma | self.eric)
        wizard.action_enrol()
        self.assertEqual(session.attendance_ids.employee_id, self.emma | self.eric)
        self.assertEqual(self.need.state, "planned")

    def test_uncovered_needs_report_lists_needs_without_course(self):
        action = self.env.ref("trainlink_performance.trainlink_need_action_uncovered")
        domain = safe_eval(action.domain)
        covered = self.need.copy({"name": "Covered", "course_id": self.course.id})
        rejected = self.need.copy({"name": "Rejected"})
        rejected.action_reject()
        found = self.env["trainlink.need"].search(domain)
        self.assertIn(self.need, found)
        self.assertNotIn(covered, found)
        self.assertNotIn(rejected, found)

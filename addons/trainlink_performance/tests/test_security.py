from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import TrainlinkCase


@tagged("post_install", "-at_install")
class TestSecurity(TrainlinkCase):
    """One test per record rule: who sees and who changes what."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        session = cls._session()
        cls.att_emma = cls._completed_attendance(cls.emma, session=session)
        cls.att_eric = cls._completed_attendance(cls.eric, session=session)
        cls.att_otto = cls._completed_attendance(cls.otto, session=session)
        cls.plan_emma = cls._plan(cls.att_emma)
        cls.plan_eric = cls._plan(cls.att_eric)
        cls.plan_otto = cls._plan(cls.att_otto)
        (cls.plan_emma | cls.plan_otto).action_approve()
        Checkin = cls.env["trainlink.application.checkin"]
        cls.checkin_emma = Checkin.create(
            {"plan_id": cls.plan_emma.id, "date": "2026-03-13"}
        )
        cls.checkin_otto = Checkin.create(
            {"plan_id": cls.plan_otto.id, "date": "2026-03-13"}
        )
        Case = cls.env["trainlink.practice.case"]
        cls.case_emma = Case.create({"name": "Emma case", "plan_id": cls.plan_emma.id})
        cls.case_otto = Case.create({"name": "Otto case", "plan_id": cls.plan_otto.id})
        cls.case_adopted = Case.create(
            {"name": "Eric case", "plan_id": cls.plan_eric.id}
        )
        cls.case_adopted.write({"state": "approved", "adopted": True})
        Mentorship = cls.env["trainlink.mentorship"]
        cls.mentorship_emma = Mentorship.create(
            {"plan_id": cls.plan_emma.id, "mentor_id": cls.mentor.id}
        )
        cls.mentorship_otto = Mentorship.create(
            {"plan_id": cls.plan_otto.id, "mentor_id": cls.eric.id}
        )
        Need = cls.env["trainlink.need"]
        cls.need_sales = Need.create(
            {"name": "Sales need", "department_id": cls.department.id}
        )
        cls.need_emma = Need.create(
            {
                "name": "Emma need",
                "department_id": cls.other_department.id,
                "employee_ids": [(6, 0, cls.emma.ids)],
            }
        )
        cls.need_plant = Need.create(
            {"name": "Plant need", "department_id": cls.other_department.id}
        )

    def _visible(self, user, records):
        """The subset of records the user finds by searching."""
        return records.with_user(user).search([("id", "in", records.ids)])

    # -- trainlink.need ----------------------------------------------------------------
    def test_need_rule_user_sees_only_needs_naming_them(self):
        needs = self.need_sales | self.need_emma | self.need_plant
        self.assertEqual(self._visible(self.user_emma, needs), self.need_emma)
        self.assertFalse(self._visible(self.user_otto, needs))
        with self.assertRaises(AccessError):
            self.need_emma.with_user(self.user_emma).write({"name": "Mine now"})

    def test_need_rule_manager_sees_department_and_team_needs(self):
        needs = self.need_sales | self.need_emma | self.need_plant
        self.assertEqual(
            self._visible(self.user_mia, needs), self.need_sales | self.need_emma
        )
        self.need_sales.with_user(self.user_mia).write({"urgency": "5"})
        with self.assertRaises(AccessError):
            self.need_plant.with_user(self.user_mia).write({"urgency": "5"})
        with self.assertRaises(AccessError):
            self.need_sales.with_user(self.user_mia).unlink()

    def test_need_rule_officer_sees_and_deletes_all(self):
        needs = self.need_sales | self.need_emma | self.need_plant
        self.assertEqual(self._visible(self.user_officer, needs), needs)
        self.need_plant.with_user(self.user_officer).unlink()
        self.assertFalse(self.need_plant.exists())

    # -- trainlink.attendance ----------------------------------------------------------
    def test_attendance_rule_user_sees_own_and_changes_nothing(self):
        atts = self.att_emma | self.att_eric | self.att_otto
        self.assertEqual(self._visible(self.user_emma, atts), self.att_emma)
        with self.assertRaises(AccessError):
            self.att_emma.with_user(self.user_emma).write({"exam_score": 100})
        with self.assertRaises(AccessError):
            self.att_otto.with_user(self.user_emma).read(["exam_score"])

    def test_attendance_rule_manager_sees_whole_chain_read_only(self):
        atts = self.att_emma | self.att_eric | self.att_otto
        self.assertEqual(
            self._visible(self.user_mia, atts), self.att_emma | self.att_eric
        )
        self.assertEqual(
            self._visible(self.user_eric, atts), self.att_emma | self.att_eric
        )
        with self.assertRaises(AccessError):
            self.att_emma.with_user(self.user_mia).write({"exam_score": 100})

    def test_attendance_rule_officer_sees_and_scores_all(self):
        atts = self.att_emma | self.att_eric | self.att_otto
        self.assertEqual(self._visible(self.user_officer, atts), atts)
        self.att_otto.with_user(self.user_officer).exam_score = 55
        self.assertFalse(self.att_otto.passed)

    # -- trainlink.application.plan ----------------------------------------------------
    def test_plan_rule_user_sees_and_writes_only_own(self):
        plans = self.plan_emma | self.plan_eric | self.plan_otto
        self.assertEqual(self._visible(self.user_otto, plans), self.plan_otto)
        self.plan_eric.with_user(self.user_eric).write({"scenario": "Mine"})
        with self.assertRaises(AccessError):
            self.plan_otto.with_user(self.user_emma).write({"scenario": "Not mine"})
        with self.assertRaises(AccessError):
            self.plan_eric.with_user(self.user_eric).unlink()

    def test_plan_rule_mentor_reads_mentee_plan_only(self):
        plans = self.plan_emma | self.plan_eric | self.plan_otto
        self.assertEqual(self._visible(self.user_mentor, plans), self.plan_emma)
        with self.assertRaises(AccessError):
            self.plan_emma.with_user(self.user_mentor).write(
                {"scenario": "Mentor edit"}
            )

    def test_plan_rule_manager_changes_team_plans_only(self):
        plans = self.plan_emma | self.plan_eric | self.plan_otto
        self.assertEqual(
            self._visible(self.user_eric, plans),
            self.plan_emma | self.plan_eric | self.plan_otto,
            "Eric mentors Otto, so he also reads Otto's plan",
        )
        self.plan_emma.with_user(self.user_eric).action_done()
        self.assertEqual(self.plan_emma.state, "done")
        with self.assertRaises(AccessError):
            self.plan_otto.with_user(self.user_eric).action_done()
        self.assertEqual(
            self._visible(self.user_mia, plans), self.plan_emma | self.plan_eric
        )

    def test_plan_rule_officer_sees_all(self):
        plans = self.plan_emma | self.plan_eric | self.plan_otto
        self.assertEqual(self._visible(self.user_officer, plans), plans)
        self.plan_otto.with_user(self.user_officer).action_done()
        self.assertEqual(self.plan_otto.state, "done")

    # -- trainlink.application.checkin -------------------------------------------------
    def test_checkin_rule_user_reads_own_only(self):
        checkins = self.checkin_emma | self.checkin_otto
        self.assertEqual(self._visible(self.user_emma, checkins), self.checkin_emma)
        with self.assertRaises(AccessError):
            self.checkin_emma.with_user(self.user_emma).write({"applied": True})

    def test_checkin_rule_mentor_reads_mentee_checkins(self):
        checkins = self.checkin_emma | self.checkin_otto
        self.assertEqual(self._visible(self.user_mentor, checkins), self.checkin_emma)

    def test_checkin_rule_manager_records_team_checkins(self):
        checkins = self.checkin_emma | self.checkin_otto
        self.assertEqual(self._visible(self.user_mia, checkins), self.checkin_emma)
        self.checkin_emma.with_user(self.user_mia).applied = True
        with self.assertRaises(AccessError):
            self.env["trainlink.application.checkin"].with_user(self.user_mia).create(
                {"plan_id": self.plan_otto.id, "date": "2026-03-20"}
            )

    def test_checkin_rule_officer_sees_all(self):
        checkins = self.checkin_emma | self.checkin_otto
        self.assertEqual(self._visible(self.user_officer, checkins), checkins)

    # -- trainlink.practice.case -------------------------------------------------------
    def test_case_rule_user_writes_own(self):
        cases = self.case_emma | self.case_otto | self.case_adopted
        self.assertIn(self.case_emma, self._visible(self.user_emma, cases))
        self.assertNotIn(self.case_otto, self._visible(self.user_emma, cases))
        self.case_emma.with_user(self.user_emma).name = "Emma's renamed case"
        with self.assertRaises(AccessError):
            self.case_otto.with_user(self.user_emma).name = "Not mine"

    def test_case_rule_adopted_cases_are_read_by_everyone_changed_by_none(self):
        self.assertEqual(
            self._visible(self.user_otto, self.case_adopted), self.case_adopted
        )
        with self.assertRaises(AccessError):
            self.case_adopted.with_user(self.user_otto).name = "Hijack"

    def test_case_rule_manager_reviews_team_cases(self):
        cases = self.case_emma | self.case_otto | self.case_adopted
        self.assertEqual(
            self._visible(self.user_eric, cases), self.case_emma | self.case_adopted
        )
        self.case_emma.with_user(self.user_emma).action_submit()
        self.case_emma.with_user(self.user_eric).action_approve()
        self.assertEqual(self.case_emma.state, "approved")
        self.case_otto.state = "submitted"
        with self.assertRaises(AccessError):
            self.case_otto.with_user(self.user_eric).action_approve()

    def test_case_rule_officer_sees_all(self):
        cases = self.case_emma | self.case_otto | self.case_adopted
        self.assertEqual(self._visible(self.user_officer, cases), cases)

    # -- trainlink.mentorship ----------------------------------------------------------
    def test_mentorship_rule_user_reads_own_as_mentee(self):
        mentorships = self.mentorship_emma | self.mentorship_otto
        self.assertEqual(
            self._visible(self.user_emma, mentorships), self.mentorship_emma
        )
        with self.assertRaises(AccessError):
            self.mentorship_emma.with_user(
                self.user_emma
            ).coaching_notes = "<p>Self</p>"

    def test_mentorship_rule_mentor_writes_notes_of_own_mentees(self):
        mentorships = self.mentorship_emma | self.mentorship_otto
        self.assertEqual(
            self._visible(self.user_mentor, mentorships), self.mentorship_emma
        )
        self.mentorship_emma.with_user(self.user_mentor).coaching_notes = "<p>Ok</p>"
        with self.assertRaises(AccessError):
            self.mentorship_otto.with_user(
                self.user_mentor
            ).coaching_notes = "<p>No</p>"

    def test_mentorship_rule_manager_assigns_mentors_in_team(self):
        mentorships = self.mentorship_emma | self.mentorship_otto
        self.assertEqual(
            self._visible(self.user_mia, mentorships), self.mentorship_emma
        )
        self.mentorship_emma.with_user(self.user_mia).date_end = "2026-12-31"
        with self.assertRaises(AccessError):
            self.env["trainlink.mentorship"].with_user(self.user_mia).create(
                {"plan_id": self.plan_otto.id, "mentor_id": self.mentor.id}
            )

    def test_mentorship_rule_officer_sees_all(self):
        mentorships = self.mentorship_emma | self.mentorship_otto
        self.assertEqual(self._visible(self.user_officer, mentorships), mentorships)

    # -- catalogue access (no record rule: access rights) -----------------------------
    def test_employee_reads_catalogue_but_cannot_change_it(self):
        self.assertTrue(self.course.with_user(self.user_emma).kpi_ids)
        with self.assertRaises(AccessError):
            self.course.with_user(self.user_emma).name = "Mine"
        with self.assertRaises(AccessError):
            self.kpi_revenue.with_user(
                self.user_officer
            ).name = "Officers do not configure KPIs"
        self.kpi_revenue.with_user(self.user_admin).name = "Revenue (CNY)"

    # -- multi-company -----------------------------------------------------------------
    def test_company_rules_hide_other_companies_records(self):
        other = self.env["res.company"].create({"name": "TL Other Co"})
        self.user_officer.company_ids = self.company
        kpi = self.env["trainlink.kpi"].create(
            {"code": "TL_OTHER", "name": "Other", "company_id": other.id}
        )
        course = self.env["trainlink.course"].create(
            {
                "name": "Other course",
                "company_id": other.id,
                "module_ids": [(0, 0, {"name": "M"})],
            }
        )
        session = self.env["trainlink.session"].create(
            {
                "course_id": course.id,
                "company_id": other.id,
                "date_start": "2026-03-02",
                "date_end": "2026-03-02",
            }
        )
        stranger = self.env["hr.employee"].create(
            {"name": "Stranger", "company_id": other.id}
        )
        attendance = self._completed_attendance(stranger, session=session)
        plan = self._plan(attendance)
        plan.action_approve()
        records = {
            "trainlink.kpi": kpi,
            "trainlink.course": course,
            "trainlink.course.module": course.module_ids,
            "trainlink.session": session,
            "trainlink.attendance": attendance,
            "trainlink.application.plan": plan,
            "trainlink.application.checkin": self.env[
                "trainlink.application.checkin"
            ].create({"plan_id": plan.id, "date": "2026-03-13"}),
            "trainlink.practice.case": self.env["trainlink.practice.case"].create(
                {"name": "Other case", "plan_id": plan.id}
            ),
            "trainlink.mentorship": self.env["trainlink.mentorship"].create(
                {
                    "plan_id": plan.id,
                    "mentor_id": self.env["hr.employee"]
                    .create({"name": "Other mentor", "company_id": other.id})
                    .id,
                }
            ),
            "trainlink.need": self.env["trainlink.need"].create(
                {"name": "Other need", "company_id": other.id}
            ),
        }
        both = self.user_officer.with_context(
            allowed_company_ids=[self.company.id, other.id]
        )
        for model, record in records.items():
            with self.subTest(model=model):
                self.assertEqual(record.company_id, other)
                self.assertFalse(self._visible(self.user_officer, record))
        self.user_officer.company_ids = self.company | other
        for model, record in records.items():
            with self.subTest(model=model, allowed="both companies"):
                self.assertEqual(
                    record.with_user(both)
                    .with_context(allowed_company_ids=[self.company.id, other.id])
                    .search([("id", "=", record.id)]),
                    record,
                )

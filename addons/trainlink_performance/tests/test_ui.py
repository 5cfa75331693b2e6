import json

from odoo import Command
from odoo.tests import HttpCase, tagged

from .common import TrainlinkCase

# Runs in the browser: waits for each step's element (the first match of a CSS
# selector whose text contains the step's text), clicks it when the step says
# so, waits until the web client has had no request in flight for half a
# second (a request still on its way when the test ends reaches the next
# test's server and is refused there), then logs HttpCase's success signal.
# A step that times out calls console.error, which fails the test; so does
# any console error or uncaught exception of the web client itself (a view
# that does not render, an RPC error, an access error).
RUN_STEPS_JS = """
(async (steps) => {
    const { rpcBus } = odoo.loader.modules.get("@web/core/network/rpc");
    let pending = 0;
    rpcBus.addEventListener("RPC:REQUEST", () => pending++);
    rpcBus.addEventListener("RPC:RESPONSE", () => {
        pending = Math.max(0, pending - 1);
    });
    const find = ({ selector, text }) =>
        [...document.querySelectorAll(selector)].find(
            (element) => element.textContent.includes(text)
        );
    for (const step of steps) {
        const deadline = Date.now() + 20000;
        let element;
        while (!(element = find(step))) {
            if (Date.now() > deadline) {
                console.error(
                    `UI step failed: no "${step.selector}" containing "${step.text}"`
                );
                return;
            }
            await new Promise((resolve) => setTimeout(resolve, 100));
        }
        if (step.click) {
            element.click();
        }
    }
    const idleDeadline = Date.now() + 20000;
    for (let quiet = 0; quiet < 5 && Date.now() < idleDeadline; ) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        quiet = pending ? 0 : quiet + 1;
    }
    if (pending) {
        console.error(`UI steps done, but ${pending} requests never answered`);
        return;
    }
    console.log("test successful");
})(%s);
"""

OFFICER = "tl_ui_hr"
EMPLOYEE = "tl_emma"

KANBAN_CARD = ".o_kanban_view .o_kanban_record"
LIST_ROW = ".o_list_view .o_data_row"
FORM = ".o_form_view"
TRAININGS_BUTTON = f"{FORM} .oe_stat_button[name=action_open_trainlink_attendances]"
PLANS_BUTTON = f"{FORM} .oe_stat_button[name=action_open_trainlink_plans]"
TRAINING_PAGE_TAB = ".o_notebook_headers a.nav-link[name=trainlink]"
PROMOTIONS_BUTTON = f"{FORM} .oe_stat_button[name=action_open_trainlink_promotions]"


def see(selector, text=""):
    return {"selector": selector, "text": text, "click": False}


def click(selector, text=""):
    return {"selector": selector, "text": text, "click": True}


@tagged("post_install", "-at_install")
class TestUi(TrainlinkCase, HttpCase):
    """The web client renders the add-on's menus, forms and smart buttons for
    an HR officer and for a plain employee (Emma) without a client error."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._user(OFFICER, "hr.group_hr_user")
        cls.attendance = cls._completed_attendance(cls.emma)
        # Not "session": HttpCase keeps its HTTP session there.
        cls.training_session = cls.attendance.session_id
        cls.plan = cls._plan(cls.attendance)
        cls.env["trainlink.need"].create(
            {
                "name": "TL UI closing rate",
                "department_id": cls.department.id,
                "employee_ids": [Command.link(cls.emma.id)],
                "kpi_id": cls.kpi_revenue.id,
                "course_id": cls.course.id,
            }
        )
        Case = cls.env["trainlink.practice.case"]
        Case.create({"name": "TL UI draft case", "plan_id": cls.plan.id})
        Case.create(
            {
                "name": "TL UI adopted case",
                "plan_id": cls.plan.id,
                "state": "approved",
                "adopted": True,
            }
        )
        cls.env["trainlink.mentorship"].create(
            {"plan_id": cls.plan.id, "mentor_id": cls.mentor.id}
        )
        second_course = cls.env["trainlink.course"].create(
            {"name": "TL UI Key Accounts"}
        )
        cls.promotion_path = cls.env["trainlink.promotion.path"].create(
            {
                "job_id": cls.env["hr.job"].create({"name": "TL UI Team Leader"}).id,
                "course_ids": [Command.set([cls.course.id, second_course.id])],
            }
        )
        cls.candidate = cls.env["trainlink.promotion.candidate"].create(
            {"employee_id": cls.emma.id, "path_id": cls.promotion_path.id}
        )

    def _assert_ui(self, login, url, *steps):
        self.browser_js(url, RUN_STEPS_JS % json.dumps(steps), login=login)

    def _assert_action(self, login, action, *steps, record=None):
        url = f"/odoo/action-trainlink_performance.{action}"
        self._assert_ui(login, f"{url}/{record.id}" if record else url, *steps)

    def _employee_form_url(self):
        return f"/odoo/action-hr.open_view_employee_list_my/{self.emma.id}"

    def _public_profile_url(self):
        return f"/odoo/action-hr.hr_employee_public_action/{self.emma.id}"

    # HR officer: Training & Performance menus

    def test_officer_opens_needs_kanban(self):
        self._assert_action(
            OFFICER, "trainlink_need_action", see(KANBAN_CARD, "TL UI closing rate")
        )

    def test_officer_opens_courses_kanban(self):
        self._assert_action(
            OFFICER, "trainlink_course_action", see(KANBAN_CARD, "Negotiation")
        )

    def test_officer_opens_sessions_list(self):
        self._assert_action(
            OFFICER,
            "trainlink_session_action",
            see(LIST_ROW, self.training_session.name),
        )

    def test_officer_opens_trainings_list(self):
        self._assert_action(
            OFFICER, "trainlink_attendance_action", see(LIST_ROW, "Emma")
        )

    def test_officer_opens_application_plans_kanban(self):
        self._assert_action(
            OFFICER,
            "trainlink_application_plan_action",
            see(KANBAN_CARD, self.plan.name),
        )

    def test_officer_opens_practice_cases_kanban(self):
        self._assert_action(
            OFFICER,
            "trainlink_practice_case_action",
            see(KANBAN_CARD, "TL UI draft case"),
        )

    def test_officer_opens_knowledge_base_kanban(self):
        self._assert_action(
            OFFICER,
            "trainlink_practice_case_action_knowledge",
            see(KANBAN_CARD, "TL UI adopted case"),
        )

    def test_officer_opens_mentorships_list(self):
        self._assert_action(
            OFFICER, "trainlink_mentorship_action", see(LIST_ROW, "Max Mentor")
        )

    # HR officer: employee form and session form

    def test_officer_sees_training_page_on_employee_form(self):
        self._assert_ui(
            OFFICER,
            self._employee_form_url(),
            click(TRAINING_PAGE_TAB, "Training & Performance"),
            see("[name=trainlink_attendance_ids] .o_data_row", "Negotiation"),
            see("[name=trainlink_plan_ids] .o_data_row", self.plan.name),
        )

    def test_officer_sees_smart_buttons_on_employee_form(self):
        self._assert_ui(
            OFFICER,
            self._employee_form_url(),
            see(TRAININGS_BUTTON, "Trainings"),
            see(PLANS_BUTTON, "Application Plans"),
        )

    def test_officer_trainings_smart_button_opens_employee_trainings(self):
        self._assert_ui(
            OFFICER,
            self._employee_form_url(),
            click(TRAININGS_BUTTON, "Trainings"),
            see(LIST_ROW, "Emma"),
        )

    def test_officer_plans_smart_button_opens_employee_plans(self):
        self._assert_ui(
            OFFICER,
            self._employee_form_url(),
            click(PLANS_BUTTON, "Application Plans"),
            see(KANBAN_CARD, self.plan.name),
        )

    def test_officer_opens_session_form(self):
        self._assert_action(
            OFFICER,
            "trainlink_session_action",
            see(f"{FORM} [name=course_id]", "Negotiation"),
            see(f"{FORM} [name=attendance_ids] .o_data_row", "Emma"),
            record=self.training_session,
        )

    # HR officer: promotion requirements and the eligibility view

    def test_officer_opens_promotion_requirements(self):
        self._assert_action(
            OFFICER,
            "trainlink_promotion_path_action",
            see(LIST_ROW, "TL UI Team Leader"),
        )

    def test_officer_opens_eligibility_list_and_candidate(self):
        self._assert_action(
            OFFICER,
            "trainlink_promotion_candidate_action",
            see(LIST_ROW, "1 course left"),
            click(f"{LIST_ROW} td", "Emma"),
            see(f"{FORM} [name=missing_course_ids]", "TL UI Key Accounts"),
            see(f"{FORM} button[name=action_submit_review]", "Enter Promotion Review"),
            see(".o_notebook_headers a.nav-link[name=evidence]", "Training Evidence"),
        )

    def test_officer_promotion_smart_button_opens_employee_paths(self):
        self._assert_ui(
            OFFICER,
            self._employee_form_url(),
            click(PROMOTIONS_BUTTON, "Promotion Paths"),
            see(LIST_ROW, "TL UI Team Leader"),
        )

    # Plain employee: Training & Performance menus (Needs is not theirs)

    def test_employee_opens_courses_kanban(self):
        self._assert_action(
            EMPLOYEE, "trainlink_course_action", see(KANBAN_CARD, "Negotiation")
        )

    def test_employee_opens_sessions_list(self):
        self._assert_action(
            EMPLOYEE,
            "trainlink_session_action",
            see(LIST_ROW, self.training_session.name),
        )

    def test_employee_opens_own_trainings_list(self):
        self._assert_action(
            EMPLOYEE, "trainlink_attendance_action", see(LIST_ROW, "Emma")
        )

    def test_employee_opens_own_application_plans_kanban(self):
        self._assert_action(
            EMPLOYEE,
            "trainlink_application_plan_action",
            see(KANBAN_CARD, self.plan.name),
        )

    def test_employee_opens_own_practice_cases_kanban(self):
        self._assert_action(
            EMPLOYEE,
            "trainlink_practice_case_action",
            see(KANBAN_CARD, "TL UI draft case"),
        )

    def test_employee_opens_knowledge_base_kanban(self):
        self._assert_action(
            EMPLOYEE,
            "trainlink_practice_case_action_knowledge",
            see(KANBAN_CARD, "TL UI adopted case"),
        )

    def test_employee_opens_own_mentorships_list(self):
        self._assert_action(
            EMPLOYEE, "trainlink_mentorship_action", see(LIST_ROW, "Max Mentor")
        )

    # Plain employee: their own profile (hr.employee.public) and their plan

    def test_employee_sees_smart_buttons_on_own_profile(self):
        self._assert_ui(
            EMPLOYEE,
            self._public_profile_url(),
            see(TRAININGS_BUTTON, "Trainings"),
            see(PLANS_BUTTON, "Application Plans"),
        )

    def test_employee_trainings_smart_button_opens_own_trainings(self):
        self._assert_ui(
            EMPLOYEE,
            self._public_profile_url(),
            click(TRAININGS_BUTTON, "Trainings"),
            see(LIST_ROW, "Emma"),
        )

    def test_employee_plans_smart_button_opens_own_plans(self):
        self._assert_ui(
            EMPLOYEE,
            self._public_profile_url(),
            click(PLANS_BUTTON, "Application Plans"),
            see(KANBAN_CARD, self.plan.name),
        )

    def test_employee_opens_own_promotion_path(self):
        self._assert_action(
            EMPLOYEE,
            "trainlink_promotion_candidate_action",
            see(f"{FORM} .alert-warning", "1 course left"),
            see(f"{FORM} [name=passed_course_ids]", "Negotiation"),
            see(f"{FORM} [name=next_course_id]", "TL UI Key Accounts"),
            record=self.candidate,
        )

    def test_employee_promotion_smart_button_on_own_profile(self):
        self._assert_ui(
            EMPLOYEE,
            self._public_profile_url(),
            click(PROMOTIONS_BUTTON, "Promotion Paths"),
            see(LIST_ROW, "1 course left"),
        )

    def test_employee_opens_own_application_plan_form(self):
        self._assert_action(
            EMPLOYEE,
            "trainlink_application_plan_action",
            see(f"{FORM} [name=course_id]", "Negotiation"),
            see(f"{FORM} button[name=action_submit]", "Submit to Manager"),
            record=self.plan,
        )

    # Reporting menus: reached by training officers who are not HR officers,
    # and by managers, from the Employees app's own menu.

    def _open_reporting(self, login, report, view):
        self._assert_action(
            login,
            "trainlink_course_action",
            see(KANBAN_CARD, "Negotiation"),
            click(".o_menu_sections button", "Training & Performance"),
            see(".dropdown-menu", "Reporting"),
            click(".dropdown-menu .dropdown-item", report),
            see(view),
        )

    def test_training_officer_opens_training_analysis_from_the_menu(self):
        self._open_reporting("tl_officer", "Training Analysis", ".o_pivot")

    def test_manager_opens_training_effect_analysis_from_the_menu(self):
        self._open_reporting(
            "tl_mia", "Training Effect Analysis", ".o_pivot, .o_graph_view"
        )

    def test_employee_sees_training_page_on_own_profile(self):
        self._assert_ui(
            EMPLOYEE,
            self._public_profile_url(),
            click(TRAINING_PAGE_TAB),
            see(
                ".o_field_widget[name=trainlink_attendance_ids] .o_data_row",
                "Negotiation",
            ),
        )

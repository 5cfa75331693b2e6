from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestProgramDashboardTour(HttpCase):
    """In the browser, an HR officer opens the Dashboards app, picks
    "Training Program Overview" and reads the program's targets
    (static/tests/tours/program_dashboard_tour.js): every cell evaluates, the
    indicators are labelled and job-specific course coverage shows this year's
    goal, 95 %, set here on every company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.hr_officer = new_test_user(
            cls.env,
            login="tl_dash_tour_officer",
            groups="base.group_user,hr.group_hr_user",
        )
        cls.env["res.company"].search([]).write({"trainlink_goal_job_coverage": 95.0})
        # A job of the company: job coverage has a row for this year.
        cls.env["hr.job"].create(
            {
                "name": "Dashboard Tour Sales Engineer",
                "company_id": cls.env.company.id,
                "trainlink_job_family": "sales",
            }
        )

    def test_hr_officer_opens_the_program_overview(self):
        self.start_tour(
            "/odoo/dashboards",
            "trainlink_analytics_dashboard_program_overview",
            login=self.hr_officer.login,
        )

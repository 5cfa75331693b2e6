# Copyright 2026 TrainLink Performance
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "TrainLink Performance",
    "summary": "Link training to KPIs: needs, courses, sessions, application plans "
    "and mentoring inside the Employees app",
    "version": "18.0.1.0.0",
    "category": "Human Resources/Employees",
    "website": "https://github.com/trainlink/trainlink-performance",
    "author": "TrainLink Performance",
    "license": "LGPL-3",
    "depends": ["hr", "mail"],
    "data": [
        "security/trainlink_security.xml",
        "security/ir.model.access.csv",
        "security/trainlink_rules.xml",
        "data/trainlink_data.xml",
        "wizard/trainlink_enrol_wizard_views.xml",
        "views/trainlink_kpi_views.xml",
        "views/trainlink_course_views.xml",
        "views/trainlink_need_views.xml",
        "views/trainlink_session_views.xml",
        "views/trainlink_attendance_views.xml",
        "views/trainlink_application_plan_views.xml",
        "views/trainlink_practice_case_views.xml",
        "views/trainlink_mentorship_views.xml",
        "views/trainlink_kpi_value_views.xml",
        "views/hr_employee_views.xml",
        "views/res_config_settings_views.xml",
        "views/menus.xml",
    ],
    "demo": [
        "demo/trainlink_demo.xml",
    ],
    "installable": True,
    "application": False,
}

# Copyright 2026 TrainLink Performance
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "TrainLink Improvement Plans",
    "summary": "Performance improvement plans in seven stages, opened from KPI "
    "and training-effect data, signed by employee and manager, followed up "
    "weekly and evaluated against the data",
    "version": "18.0.1.0.0",
    "category": "Human Resources/Employees",
    "website": "https://github.com/trainlink/trainlink-performance",
    "author": "TrainLink Performance",
    "license": "LGPL-3",
    "depends": ["trainlink_performance", "mail"],
    "data": [
        "security/improvement_plan_security.xml",
        "security/ir.model.access.csv",
        "data/improvement_plan_data.xml",
        "wizard/improvement_plan_sign_views.xml",
        "views/improvement_plan_views.xml",
        "views/improvement_plan_line_views.xml",
        "views/performance_entry_views.xml",
        "views/hr_employee_views.xml",
        "views/trainlink_promotion_views.xml",
        "views/res_config_settings_views.xml",
        "views/menus.xml",
        "report/improvement_plan_report.xml",
    ],
    "demo": [
        "demo/improvement_plan_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "trainlink_improvement_plan/static/tests/tours/*.js",
        ],
    },
    "installable": True,
    "application": False,
}

# Copyright 2026 TrainLink Performance
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "TrainLink Analytics",
    "summary": "Which courses lift which KPIs, net of peers and at what return; "
    "department and promotion analytics; the program's targets against their "
    "goals",
    "version": "18.0.1.0.0",
    "category": "Human Resources/Employees",
    "website": "https://github.com/trainlink/trainlink-performance",
    "author": "TrainLink Performance",
    "license": "LGPL-3",
    "depends": ["trainlink_performance", "mail"],
    "data": [
        "security/ir.model.access.csv",
        "security/analytics_rules.xml",
        "data/analytics_data.xml",
        "views/course_effect_views.xml",
        "views/training_report_views.xml",
        "views/department_report_views.xml",
        "views/promotion_course_report_views.xml",
        "views/program_indicator_views.xml",
        "views/trainlink_promotion_candidate_views.xml",
        "views/res_config_settings_views.xml",
        "views/menus.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "trainlink_analytics/static/tests/tours/*.js",
        ],
    },
    "installable": True,
    "application": False,
}

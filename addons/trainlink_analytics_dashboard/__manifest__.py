# Copyright 2026 TrainLink Performance
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "TrainLink Analytics Dashboard",
    "summary": "The training program's targets against their goals in the "
    "Dashboards app: value, goal, last year and trend; top courses by net KPI "
    "lift; participation by department",
    "version": "18.0.1.0.0",
    "category": "Human Resources/Employees",
    "website": "https://github.com/trainlink/trainlink-performance",
    "author": "TrainLink Performance",
    "license": "LGPL-3",
    "depends": ["trainlink_analytics", "spreadsheet_dashboard"],
    "data": [
        "data/dashboards.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "trainlink_analytics_dashboard/static/tests/tours/*.js",
        ],
    },
    "installable": True,
    "auto_install": True,
}

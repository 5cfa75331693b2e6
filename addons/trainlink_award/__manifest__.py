# Copyright 2026 TrainLink Performance
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "TrainLink Awards",
    "summary": "Excellent-employee awards scored from the records: training 30 %, "
    "performance, criteria HR adds; every point traceable to its source record",
    "version": "18.0.1.0.0",
    "category": "Human Resources/Employees",
    "website": "https://github.com/trainlink/trainlink-performance",
    "author": "TrainLink Performance",
    "license": "LGPL-3",
    "depends": ["trainlink_performance", "mail"],
    "data": [
        "security/award_security.xml",
        "security/ir.model.access.csv",
        "data/award_data.xml",
        "views/award_campaign_views.xml",
        "views/award_candidate_views.xml",
        "views/award_record_views.xml",
        "views/hr_employee_views.xml",
        "views/trainlink_promotion_views.xml",
        "views/trainlink_attendance_views.xml",
        "views/menus.xml",
        "report/award_committee_report.xml",
    ],
    "demo": [
        "demo/award_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "trainlink_award/static/tests/tours/*.js",
        ],
    },
    "installable": True,
    "application": False,
}

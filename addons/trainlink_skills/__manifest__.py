# Copyright 2026 TrainLink Performance
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "TrainLink Skills",
    "summary": "Courses teach skills: passing one raises the employee's skill "
    "level and adds a résumé line; promotion paths can require skills",
    "version": "18.0.1.0.0",
    "category": "Human Resources/Employees",
    "website": "https://github.com/trainlink/trainlink-performance",
    "author": "TrainLink Performance",
    "license": "LGPL-3",
    "depends": ["trainlink_performance", "hr_skills"],
    "data": [
        "security/ir.model.access.csv",
        "security/trainlink_skills_rules.xml",
        "data/hr_resume_data.xml",
        "views/trainlink_course_views.xml",
        "views/trainlink_promotion_views.xml",
        "report/trainlink_promotion_report.xml",
    ],
    "demo": [
        "demo/trainlink_skills_demo.xml",
    ],
    "auto_install": True,
    "installable": True,
    "application": False,
}

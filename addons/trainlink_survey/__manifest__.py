# Copyright 2026 TrainLink Performance
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "TrainLink Survey",
    "summary": "A course's test is a survey certification, its satisfaction "
    "questionnaire a survey",
    "version": "18.0.1.0.0",
    "category": "Human Resources/Employees",
    "website": "https://github.com/trainlink/trainlink-performance",
    "author": "TrainLink Performance",
    "license": "LGPL-3",
    "depends": ["trainlink_performance", "survey"],
    "data": [
        "views/trainlink_course_views.xml",
        "views/trainlink_attendance_views.xml",
    ],
    "demo": [
        "demo/trainlink_survey_demo.xml",
    ],
    "auto_install": True,
    "installable": True,
    "application": False,
}

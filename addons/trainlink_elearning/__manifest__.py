# Copyright 2026 TrainLink Performance
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "TrainLink eLearning",
    "summary": "Deliver TrainLink courses as eLearning courses: enrolment and "
    "completion follow the learner's progress",
    "version": "18.0.1.0.0",
    "category": "Human Resources/Employees",
    "website": "https://github.com/trainlink/trainlink-performance",
    "author": "TrainLink Performance",
    "license": "LGPL-3",
    "depends": ["trainlink_performance", "website_slides"],
    "data": [
        "views/trainlink_course_views.xml",
        "views/trainlink_session_views.xml",
    ],
    "demo": [
        "demo/trainlink_elearning_demo.xml",
    ],
    "auto_install": True,
    "installable": True,
    "application": False,
}

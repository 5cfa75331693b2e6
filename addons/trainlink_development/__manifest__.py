# Copyright 2026 TrainLink Performance
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "TrainLink Development Plans",
    "summary": "Training proposed from the performance band (advanced, diagnosis "
    "then remedial, forward-looking) and individual development plans",
    "version": "18.0.1.0.0",
    "category": "Human Resources/Employees",
    "website": "https://github.com/trainlink/trainlink-performance",
    "author": "TrainLink Performance",
    "license": "LGPL-3",
    "depends": ["trainlink_performance", "mail"],
    "data": [
        "security/development_security.xml",
        "security/ir.model.access.csv",
        "data/development_data.xml",
        "views/trainlink_training_proposal_views.xml",
        "views/trainlink_idp_views.xml",
        "views/trainlink_performance_score_views.xml",
        "views/hr_employee_views.xml",
        "wizard/trainlink_proposal_dismiss_views.xml",
        "views/menus.xml",
    ],
    "installable": True,
    "application": False,
}

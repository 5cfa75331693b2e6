# Copyright 2026 TrainLink Performance
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "TrainLink Awards: Improvement Plans",
    "summary": "An open improvement plan blocks an award candidate",
    "version": "18.0.1.0.0",
    "category": "Human Resources/Employees",
    "website": "https://github.com/trainlink/trainlink-performance",
    "author": "TrainLink Performance",
    "license": "LGPL-3",
    "depends": ["trainlink_award", "trainlink_improvement_plan"],
    "auto_install": True,
    "installable": True,
    "application": False,
}

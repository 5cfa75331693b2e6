from odoo import fields, models


class TrainlinkSession(models.Model):
    _inherit = "trainlink.session"

    elearning_online = fields.Boolean(
        string="Online (eLearning)",
        readonly=True,
        copy=False,
        help="Opened automatically to record the employees who finished the "
        "course's eLearning content without being enrolled in a session.",
    )

from odoo import fields, models


class TrainlinkAttendance(models.Model):
    _inherit = "trainlink.attendance"

    trainer_rating = fields.Selection(
        [
            ("1", "1 - Very poor"),
            ("2", "2 - Poor"),
            ("3", "3 - Fair"),
            ("4", "4 - Good"),
            ("5", "5 - Excellent"),
        ],
        help="How the attendee rated the internal trainer. Award campaigns "
        "judge internal trainers on it, or on the session's satisfaction when "
        "the attendee gave no trainer rating.",
    )

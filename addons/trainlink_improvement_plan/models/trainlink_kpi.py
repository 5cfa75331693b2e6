from odoo import models


class TrainlinkKpi(models.Model):
    _inherit = "trainlink.kpi"

    def _trainlink_declined(self, before, after, minimum_percent):
        """Whether the KPI got worse from before to after by at least
        minimum_percent of before (by its direction). From zero nothing
        declines by a share."""
        self.ensure_one()
        if not before:
            return False
        change = (after - before) / abs(before) * 100.0
        worse = -change if self.direction == "higher" else change
        return worse > 0 and worse >= minimum_percent

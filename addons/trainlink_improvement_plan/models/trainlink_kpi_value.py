from odoo import api, models


class TrainlinkKpiValue(models.Model):
    _inherit = "trainlink.kpi.value"

    @api.model
    def api_upsert(self, rows, run_id=None):
        """New data may show a missed target or a second period of decline:
        look at the employees the batch touched."""
        result = super().api_upsert(rows, run_id=run_id)
        if result.get("created") or result.get("updated"):
            # The rows were validated already; bad ones (not an id) are skipped.
            ids = {
                row.get("employee_id")
                for row in self.sudo()._rows_from_payload(rows)
                if isinstance(row, dict)
                and type(row.get("employee_id")) is int
                and 0 < row["employee_id"] < 2**31
            }
            employees = self.env["hr.employee"].sudo().browse(ids).exists()
            if employees:
                Plan = self.env["trainlink.improvement.plan"].sudo()
                Plan._detect_missed_targets(employees)
                Plan._detect_declines(employees)
        return result

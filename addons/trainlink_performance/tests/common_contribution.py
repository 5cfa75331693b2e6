from odoo import fields

from .common import TrainlinkCase

GROUP_SYNC = "trainlink_performance.group_trainlink_sync"


class ContributionCase(TrainlinkCase):
    """Emma completed the negotiation course on 2026-03-03; her revenue and
    complaint rate are measured from December to February (baseline) and
    from April to June (post window). Rated by the company's default rule:
    excellent >= 15, good >= 5, fair >= 0, +5 points for excellent."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Contribution = cls.env["trainlink.contribution"]
        cls.default_rule = cls.env.ref(
            "trainlink_performance.trainlink_contribution_rule_default"
        )
        cls.attendance = cls._completed_attendance(cls.emma)
        cls.user_sync = cls._user("tl_sync", GROUP_SYNC)
        cls.user_hr = cls._user("tl_hr", "hr.group_hr_user")
        # The consequences of an insufficient effect arrive as soon as it is
        # rated; TestConsequenceRelease covers holding them for release.
        cls.company.trainlink_hold_consequences = False

    @classmethod
    def _contribution(cls, attendance=None, kpi=None, **values):
        """A contribution measured by the worker; the net lift is 20 % unless
        the values say otherwise, on 10 peers, measured without noise."""
        return cls.Contribution.create(
            cls._contribution_vals(attendance or cls.attendance, kpi, **values)
        )

    @classmethod
    def _contribution_vals(cls, attendance, kpi=None, **values):
        """The values of _contribution, to create several at once."""
        return {
            "attendance_id": attendance.id,
            "kpi_id": (kpi or cls.kpi_revenue).id,
            "baseline_start": "2025-12-01",
            "baseline_end": "2026-02-28",
            "baseline_value": 100.0,
            "baseline_points": 3,
            "post_start": "2026-04-01",
            "post_end": "2026-06-30",
            "post_value": 120.0,
            "post_points": 3,
            "peer_lift": 0.0,
            # Enough peers and an exact measurement (no noise): the net
            # lift alone decides. Tests of the evidence give a noise.
            "peer_count": 10,
            "comparison_basis": "department",
            "net_lift_se": 0.0,
            "interval_dof": 10.0,
            **values,
        }

    def _api_row(self, **values):
        """A row of trainlink.contribution's sync API for Emma's training: a
        net lift of 20 % measured on 10 peers, revenue, April to June."""
        return {
            "attendance_id": self.attendance.id,
            "kpi_code": "TL_REV",
            "post_start": "2026-04-01",
            "post_end": "2026-06-30",
            "baseline_start": "2025-12-01",
            "baseline_end": "2026-02-28",
            "baseline_value": 100.0,
            "post_value": 120.0,
            "peer_lift": 0.0,
            "baseline_points": 3,
            "post_points": 3,
            "peer_count": 10,
            "comparison_basis": "department",
            "net_lift_se": 0.5,
            "interval_dof": 10.0,
            **values,
        }

    @classmethod
    def _future_session(cls, **values):
        start = fields.Date.add(fields.Date.today(), days=30)
        return cls._session(
            date_start=start, date_end=fields.Date.add(start, days=1), **values
        )

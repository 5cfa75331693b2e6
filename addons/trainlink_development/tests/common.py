from odoo.addons.trainlink_performance.tests.common import (
    GROUP_MANAGER,
    GROUP_OFFICER,
    TrainlinkCase,
)

GROUP_SYNC = "trainlink_performance.group_trainlink_sync"


class DevelopmentCase(TrainlinkCase):
    """The sales department of the core's case (Mia manages Eric, who manages
    Emma; Otto is a peer in another team), Emma and Eric in a sales job.

    Sales courses: Negotiation (junior, moves revenue and complaints, from
    the core's case), Sales Basics (junior), Key Accounts (middle), Sales
    Leadership (senior); Leading Teams (management, middle); Architecture
    (R&D, senior) is never proposed to a salesperson."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_sync = cls._user("tl_sync", GROUP_SYNC)
        cls.officer = cls.env["hr.employee"].create(
            {"name": "Olga Officer", "user_id": cls.user_officer.id}
        )
        cls.job_sales = cls.env["hr.job"].create(
            {"name": "TL Sales Rep", "trainlink_job_family": "sales"}
        )
        (cls.emma | cls.eric | cls.otto | cls.officer).job_id = cls.job_sales
        Course = cls.env["trainlink.course"]
        # Only the courses of this case are proposed (not those of the demo).
        (Course.search([]) - cls.course).active = False
        cls.sales_basics = Course.create(
            {"name": "Sales Basics", "job_family": "sales", "level": "junior"}
        )
        cls.key_accounts = Course.create(
            {"name": "Key Accounts", "job_family": "sales", "level": "middle"}
        )
        cls.sales_leadership = Course.create(
            {"name": "Sales Leadership", "job_family": "sales", "level": "senior"}
        )
        cls.leading_teams = Course.create(
            {"name": "Leading Teams", "job_family": "management", "level": "middle"}
        )
        cls.architecture = Course.create(
            {"name": "Architecture", "job_family": "rnd", "level": "senior"}
        )
        cls.Proposal = cls.env["trainlink.training.proposal"]
        cls.Idp = cls.env["trainlink.idp"]
        cls.Goal = cls.env["trainlink.idp.goal"]

    @classmethod
    def _score(cls, employee, band, start="2026-01-01"):
        """A confirmed score of the band, as Confirm leaves it."""
        return cls.env["trainlink.performance.score"].create(
            {
                "employee_id": employee.id,
                "period_type": "quarter",
                "period_start": start,
                "state": "confirmed",
                "band": band,
            }
        )

    @classmethod
    def _attendance(cls, employee, course, state="completed", day="2026-03-02"):
        session = cls._session(course_id=course.id, date_start=day, date_end=day)
        return cls.env["trainlink.attendance"].create(
            {
                "session_id": session.id,
                "employee_id": employee.id,
                "state": state,
                "completion_date": day if state == "completed" else False,
            }
        )

    @classmethod
    def _kpi_value(cls, employee, kpi, start, end, value):
        return cls.env["trainlink.kpi.value"].create(
            {
                "employee_id": employee.id,
                "kpi_id": kpi.id,
                "company_id": employee.company_id.id,
                "period_start": start,
                "period_end": end,
                "value": value,
                "source": "test",
                "external_key": f"dev-{employee.id}-{kpi.id}-{start}",
            }
        )

    def _propose(self, employee, band, start="2026-01-01"):
        score = self._score(employee, band, start)
        return score, self.Proposal._propose_from_scores(score)

    @classmethod
    def _idp(cls, employee, year=2026, **values):
        return cls.Idp.create({"employee_id": employee.id, "year": year, **values})


__all__ = ["GROUP_MANAGER", "GROUP_OFFICER", "GROUP_SYNC", "DevelopmentCase"]

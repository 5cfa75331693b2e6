from odoo import fields

from odoo.addons.trainlink_performance.tests.common_contribution import (
    ContributionCase,
)

GROUP_MANAGER = "trainlink_performance.group_trainlink_manager"


class AnalyticsCase(ContributionCase):
    """Two courses measured by hand, in a department of their own that Eric
    manages: eight people, of whom seven enrolled in "Key Accounts".

    Key Accounts (cost 200 a seat): six completed (five passed with 90, one
    failed with 70), one still enrolled, one cancelled; three carried out
    their application plan. The revenue lift of five was measured with
    enough data: 10, 20, 30, 0 and 15 points net of peers, each with a peer
    lift standard error of 3; the sixth on 2 peers only (thin data).
    Filing (cost 100 a seat): five other people of a second department
    completed it, net lifts 0.5, 0, 1, 0.25 and 0.75 points, no peer error.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Employee = cls.env["hr.employee"]
        cls.kpi = cls.env["trainlink.kpi"].create(
            {"code": "TL_AN_REV", "name": "Account revenue", "unit_value": 1.0}
        )
        cls.dept_a = cls.env["hr.department"].create(
            {"name": "TL Key Accounts", "manager_id": cls.eric.id}
        )
        cls.dept_b = cls.env["hr.department"].create(
            {"name": "TL Back Office", "manager_id": cls.mia.id}
        )
        cls.people_a = Employee.create(
            [
                {
                    "name": f"A{index}",
                    "department_id": cls.dept_a.id,
                    "parent_id": cls.eric.id,
                }
                for index in range(8)
            ]
        )
        cls.people_b = Employee.create(
            [
                {"name": f"B{index}", "department_id": cls.dept_b.id}
                for index in range(5)
            ]
        )
        cls.key_accounts = cls._course("Key Accounts", 200.0)
        cls.filing = cls._course("Filing", 100.0)
        session = cls._session(course_id=cls.key_accounts.id)
        cls.trainings_a = cls.env["trainlink.attendance"]
        for person, score in zip(
            cls.people_a[:6], [90, 90, 90, 90, 90, 70], strict=True
        ):
            cls.trainings_a |= cls._completed_attendance(person, score, session)
        cls.enrolled = cls.env["trainlink.attendance"].create(
            {"session_id": session.id, "employee_id": cls.people_a[6].id}
        )
        cls.cancelled = cls.env["trainlink.attendance"].create(
            {"session_id": session.id, "employee_id": cls.people_a[7].id}
        )
        cls.cancelled.action_cancel()
        for training in cls.trainings_a[:3]:
            cls._plan(training).write({"state": "done"})
        for training, lift in zip(
            cls.trainings_a[:5], [10, 20, 30, 0, 15], strict=True
        ):
            cls._contribution(
                training, cls.kpi, post_value=100.0 + lift, peer_lift_se=3.0
            )
        cls.thin_contribution = cls._contribution(
            cls.trainings_a[5], cls.kpi, post_value=140.0, peer_count=2
        )
        filing_session = cls._session(course_id=cls.filing.id)
        cls.trainings_b = cls.env["trainlink.attendance"]
        for person, lift in zip(cls.people_b, [0.5, 0, 1, 0.25, 0.75], strict=True):
            training = cls._completed_attendance(person, 90, filing_session)
            cls.trainings_b |= training
            cls._contribution(training, cls.kpi, post_value=100.0 + lift)
        cls.env.flush_all()

    @classmethod
    def _course(cls, name, cost):
        return cls.env["trainlink.course"].create(
            {
                "name": name,
                "cost_per_seat": cost,
                "passing_score": 80.0,
                "module_ids": [
                    fields.Command.create(
                        {
                            "name": name,
                            "kpi_line_ids": [
                                fields.Command.create(
                                    {"kpi_id": cls.kpi.id, "expected_lift": 10.0}
                                )
                            ],
                        }
                    )
                ],
            }
        )

from contextlib import contextmanager

from odoo import fields
from odoo.tests import TransactionCase, new_test_user

GROUP_USER = "trainlink_performance.group_trainlink_user"
GROUP_MANAGER = "trainlink_performance.group_trainlink_manager"
GROUP_OFFICER = "trainlink_performance.group_trainlink_officer"
GROUP_ADMIN = "trainlink_performance.group_trainlink_admin"


class TrainlinkCase(TransactionCase):
    """A sales department: Mia manages Eric, who manages Emma; Otto works in
    another team; an officer and an administrator run the programme."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.user_officer = cls._user("tl_officer", GROUP_OFFICER)
        cls.user_admin = cls._user("tl_admin", GROUP_ADMIN)
        cls.user_mia = cls._user("tl_mia", GROUP_MANAGER)
        cls.user_eric = cls._user("tl_eric", GROUP_MANAGER)
        cls.user_emma = cls._user("tl_emma", GROUP_USER)
        cls.user_otto = cls._user("tl_otto", GROUP_USER)
        cls.user_mentor = cls._user("tl_mentor", GROUP_USER)
        Employee = cls.env["hr.employee"]
        cls.mia = Employee.create({"name": "Mia", "user_id": cls.user_mia.id})
        cls.department = cls.env["hr.department"].create(
            {"name": "TL Sales", "manager_id": cls.mia.id}
        )
        cls.other_department = cls.env["hr.department"].create({"name": "TL Plant"})
        cls.mia.department_id = cls.department
        cls.eric = Employee.create(
            {
                "name": "Eric",
                "user_id": cls.user_eric.id,
                "parent_id": cls.mia.id,
                "department_id": cls.department.id,
            }
        )
        cls.emma = Employee.create(
            {
                "name": "Emma",
                "user_id": cls.user_emma.id,
                "parent_id": cls.eric.id,
                "department_id": cls.department.id,
            }
        )
        cls.otto = Employee.create(
            {
                "name": "Otto",
                "user_id": cls.user_otto.id,
                "department_id": cls.other_department.id,
            }
        )
        cls.mentor = Employee.create(
            {
                "name": "Max Mentor",
                "user_id": cls.user_mentor.id,
                "department_id": cls.department.id,
            }
        )
        cls.kpi_revenue = cls.env["trainlink.kpi"].create(
            {
                "code": "TL_REV",
                "name": "Revenue",
                "direction": "higher",
                "source_kind": "sales",
                "unit_value": 1.0,
            }
        )
        cls.kpi_complaints = cls.env["trainlink.kpi"].create(
            {
                "code": "TL_COMPLAINTS",
                "name": "Complaint rate",
                "direction": "lower",
                "aggregation": "rate",
                "unit": "%",
                "source_kind": "service",
            }
        )
        cls.course = cls.env["trainlink.course"].create(
            {
                "name": "Negotiation",
                "job_family": "sales",
                "hours": 8.0,
                "cost_per_seat": 500.0,
                "module_ids": [
                    fields.Command.create(
                        {
                            "name": "Closing deals",
                            "kpi_line_ids": [
                                fields.Command.create(
                                    {
                                        "kpi_id": cls.kpi_revenue.id,
                                        "expected_lift": 10.0,
                                    }
                                )
                            ],
                        }
                    ),
                    fields.Command.create(
                        {
                            "name": "Handling complaints",
                            "kpi_line_ids": [
                                fields.Command.create(
                                    {
                                        "kpi_id": cls.kpi_complaints.id,
                                        "expected_lift": 20.0,
                                    }
                                )
                            ],
                        }
                    ),
                ],
            }
        )

    @contextmanager
    def assertRaisesRegex(self, exception, regex):
        """Like assertRaises, inside a savepoint, so that a test can also
        check that nothing of the refused operation was saved."""
        with self.assertRaises(exception) as context:
            yield context
        self.assertRegex(str(context.exception), regex)

    @classmethod
    def _user(cls, login, groups):
        return new_test_user(
            cls.env,
            login=login,
            groups=f"base.group_user,{groups}",
            name=login,
            email=f"{login}@example.com",
        )

    def _kpi_value_row(self, key="EMMA-2026-01", **values):
        """A row of trainlink.kpi.value's sync API: Emma's January revenue."""
        return {
            "source": "crm",
            "external_key": key,
            "kpi_code": "TL_REV",
            "employee_id": self.emma.id,
            "period_start": "2026-01-01",
            "period_end": "2026-01-31",
            "value": 120000.0,
            **values,
        }

    @classmethod
    def _session(cls, **values):
        return cls.env["trainlink.session"].create(
            {
                "course_id": cls.course.id,
                "date_start": "2026-03-02",
                "date_end": "2026-03-03",
                **values,
            }
        )

    @classmethod
    def _completed_attendance(cls, employee, score=90.0, session=None):
        session = session or cls._session()
        attendance = cls.env["trainlink.attendance"].create(
            {
                "session_id": session.id,
                "employee_id": employee.id,
                "exam_score": score,
            }
        )
        attendance.action_mark_present()
        attendance.action_complete()
        return attendance

    @classmethod
    def _plan(cls, attendance, **values):
        return cls.env["trainlink.application.plan"].create(
            {
                "attendance_id": attendance.id,
                "scenario": "Use the closing script with key accounts",
                "date_start": "2026-03-09",
                "date_end": "2026-05-31",
                **values,
            }
        )

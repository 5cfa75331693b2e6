import logging

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import tagged

from .common_contribution import ContributionCase

_logger = logging.getLogger(__name__)


def groups_one_by_one(env, attendance_id):
    """api_comparison_groups' answer for one value, worked out record by
    record with searches, as the API did before it answered in batch: the
    reference the batch must agree with."""
    Attendance = env["trainlink.attendance"].sudo()
    if (
        not isinstance(attendance_id, int)
        or isinstance(attendance_id, bool)
        or not 0 < attendance_id <= 2**31 - 1
    ):
        attendance = Attendance.browse()
    else:
        attendance = Attendance.browse(attendance_id).exists()
    if attendance.company_id.id not in env.companies.ids:
        return {"ok": False, "reason": f"unknown attendance {attendance_id}"}
    if attendance.state != "completed" or not attendance.completion_date:
        return {"ok": False, "reason": f"attendance {attendance_id} is not completed"}
    course = attendance.course_id
    month = attendance.completion_date.replace(day=1)
    start = month - relativedelta(months=course.baseline_window_months)
    end = month + relativedelta(months=course.kpi_window_months + 1, days=-1)
    lines = (
        env["trainlink.course.module.kpi"]
        .sudo()
        .search([("kpi_id", "in", course.kpi_ids.ids)])
    )
    excluded = Attendance.search(
        [
            ("course_id", "in", (course | lines.module_id.course_id).ids),
            ("state", "=", "completed"),
            ("completion_date", ">=", start),
            ("completion_date", "<=", end),
        ]
    ).employee_id
    employee = attendance.employee_id.sudo()
    Employee = env["hr.employee"].sudo()
    company = [
        ("company_id", "=", attendance.company_id.id),
        ("id", "!=", employee.id),
    ]
    job = employee.job_id
    department = attendance.department_id or employee.department_id
    groups = []
    if department:
        same = [("department_id", "=", department.id)]
        if job:
            same.append(("job_id", "=", job.id))
        groups.append(("department", Employee.search([*company, *same])))
    if job:
        groups.append(("job", Employee.search([*company, ("job_id", "=", job.id)])))
    if job.trainlink_job_family:
        family = [("job_id.trainlink_job_family", "=", job.trainlink_job_family)]
        groups.append(("job_family", Employee.search([*company, *family])))
    return {
        "ok": True,
        "attendance_id": attendance.id,
        "min_peers": attendance.company_id.trainlink_min_peers,
        "window_start": fields.Date.to_string(start),
        "window_end": fields.Date.to_string(end),
        "groups": [
            {"basis": basis, "employee_ids": (members - excluded).ids}
            for basis, members in groups
        ],
    }


@tagged("post_install", "-at_install")
class TestComparisonGroupsBatch(ContributionCase):
    """The comparison groups of a batch of trainings are those worked out one
    training at a time, in a number of queries that does not grow with the
    number of trainings."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Job = cls.env["hr.job"]
        cls.job_am = Job.create(
            {"name": "TL Account Manager", "trainlink_job_family": "sales"}
        )
        cls.job_rep = Job.create(
            {"name": "TL Sales Rep", "trainlink_job_family": "sales"}
        )
        cls.job_eng = Job.create({"name": "TL Engineer", "trainlink_job_family": "rnd"})
        cls.job_clerk = Job.create({"name": "TL Clerk", "trainlink_job_family": False})
        cls.emma.job_id = cls.job_am
        sales, plant = cls.department, cls.other_department
        cls.people = {
            name: cls.env["hr.employee"].create(
                {
                    "name": f"TL {name}",
                    "department_id": department.id if department else False,
                    "job_id": job.id if job else False,
                }
            )
            for name, department, job in [
                ("Ada", sales, cls.job_am),
                ("Ben", sales, cls.job_am),
                ("Cleo", sales, cls.job_am),
                ("Dan", sales, cls.job_rep),
                ("Eve", sales, None),
                ("Finn", sales, cls.job_am),
                ("Gus", sales, cls.job_am),
                ("Hal", sales, cls.job_am),
                ("Ivy", sales, cls.job_am),
                ("Jo", plant, cls.job_am),
                ("Kim", plant, cls.job_eng),
                ("Lou", plant, cls.job_clerk),
                ("Max", None, cls.job_rep),
                ("Ned", None, cls.job_eng),
                ("Pia", plant, cls.job_clerk),
                ("Rob", None, cls.job_eng),
                ("Quinn", plant, cls.job_am),
            ]
        }
        cls.people["Cleo"].active = False
        cls.upselling = cls._course("TL Upselling", cls.kpi_revenue)
        cls.kpi_other = cls.env["trainlink.kpi"].create(
            {"code": "TL_OTHER", "name": "Other", "direction": "higher"}
        )
        cls.unrelated = cls._course("TL Safety", cls.kpi_other)
        cls.coaching = cls._course(
            "TL Coaching",
            cls.kpi_complaints,
            baseline_window_months=2,
            kpi_window_months=6,
        )
        person = cls.people
        # Inside Emma's window (2025-12-01 to 2026-06-30): Finn took her
        # course, Gus another one aimed at revenue, Hal one aimed at another
        # KPI; Ivy took her course after the window.
        cls.training = {
            "Finn": cls._completed(person["Finn"], cls.course, "2026-04-07"),
            "Gus": cls._completed(person["Gus"], cls.upselling, "2025-12-02"),
            "Hal": cls._completed(person["Hal"], cls.unrelated, "2026-02-10"),
            "Ivy": cls._completed(person["Ivy"], cls.course, "2026-09-08"),
            "Ned": cls._completed(person["Ned"], cls.course, "2026-03-03"),
            "Eve": cls._completed(person["Eve"], cls.upselling, "2026-01-20"),
            "Lou": cls._completed(person["Lou"], cls.unrelated, "2026-03-03"),
            "Dan": cls._completed(person["Dan"], cls.coaching, "2026-05-12"),
            "Kim": cls._completed(person["Kim"], cls.coaching, "2025-11-30"),
        }
        # Jo moved to the sales department after enrolling: the department
        # at enrolment counts.
        cls.training["Jo"] = cls._completed(person["Jo"], cls.course, "2026-03-03")
        cls.env.flush_all()  # the attendance's department computed first
        person["Jo"].department_id = sales
        cls.enrolled = cls.env["trainlink.attendance"].create(
            {
                "session_id": cls._session_on(cls.course, "2026-10-05").id,
                "employee_id": person["Ben"].id,
            }
        )
        cls.Api = cls.env["trainlink.attendance"].with_user(cls.user_sync)

    @classmethod
    def _course(cls, name, kpi, **values):
        return cls.env["trainlink.course"].create(
            {
                "name": name,
                "module_ids": [
                    fields.Command.create(
                        {
                            "name": name,
                            "kpi_line_ids": [fields.Command.create({"kpi_id": kpi.id})],
                        }
                    )
                ],
                **values,
            }
        )

    @classmethod
    def _session_on(cls, course, day):
        return cls._session(course_id=course.id, date_start=day, date_end=day)

    @classmethod
    def _completed(cls, employee, course, day):
        return cls._completed_attendance(employee, session=cls._session_on(course, day))

    def _foreign_attendance(self):
        other = self.env["res.company"].create({"name": "TL Other Co"})
        course = self.env["trainlink.course"].create(
            {"name": "Other course", "company_id": other.id}
        )
        employee = self.env["hr.employee"].create(
            {"name": "Stranger", "company_id": other.id}
        )
        session = self._session(course_id=course.id, company_id=other.id)
        return self._completed_attendance(employee, session=session)

    def _groups(self, answer):
        return {group["basis"]: group["employee_ids"] for group in answer["groups"]}

    def test_batch_answers_as_one_training_at_a_time(self):
        trainings = [self.attendance.id] + [t.id for t in self.training.values()]
        values = [
            *trainings,
            self._foreign_attendance().id,
            self.enrolled.id,
            "1",
            2**40,
            True,
            999999999,
            self.attendance.id,
        ]
        expected = [groups_one_by_one(self.Api.env, value) for value in values]

        answers = self.Api.api_comparison_groups(values)
        # The inputs of each measurement: TestMeasurementInputs.
        for answer in answers:
            answer.pop("inputs", None)
            answer.pop("measured_kpis", None)
            answer.pop("groups_digest", None)
        self.assertEqual(answers, expected)

    def test_the_cases_the_batch_is_compared_on(self):
        """The data of the comparison covers what it claims to."""
        answers = {
            name: groups_one_by_one(self.Api.env, training.id)
            for name, training in [("Emma", self.attendance), *self.training.items()]
        }
        person = {name: employee.id for name, employee in self.people.items()}
        emma = self._groups(answers["Emma"])
        self.assertEqual(list(emma), ["department", "job", "job_family"])
        for kept in ("Ada", "Ben", "Hal", "Ivy"):
            self.assertIn(person[kept], emma["department"], kept)
        # Archived; trained on the same course, on another aimed at revenue.
        for left_out in ("Cleo", "Finn", "Gus"):
            self.assertNotIn(person[left_out], emma["job_family"], left_out)
        self.assertIn(person["Max"], emma["job_family"])
        self.assertNotIn(person["Jo"], emma["job"], "same course, same window")
        self.assertEqual(list(self._groups(answers["Ned"])), ["job", "job_family"])
        self.assertEqual(list(self._groups(answers["Eve"])), ["department"])
        self.assertEqual(list(self._groups(answers["Lou"])), ["department", "job"])
        self.assertEqual(self._groups(answers["Lou"])["job"], [person["Pia"]])
        self.assertEqual(
            (answers["Dan"]["window_start"], answers["Dan"]["window_end"]),
            ("2026-03-01", "2026-11-30"),
        )
        # Kim took a course aimed at complaints the day before Ned's window.
        self.assertIn(person["Kim"], self._groups(answers["Ned"])["job"])
        self.assertEqual(
            self._groups(answers["Jo"])["department"],
            [person["Quinn"]],
            "the department at enrolment",
        )

    def _queries(self, count):
        """Queries of api_comparison_groups for `count` trainings of varied
        courses, departments and jobs, from an empty cache."""
        courses = [self.course, self.upselling, self.unrelated, self.coaching]
        departments = [self.department.id, self.other_department.id, False]
        jobs = [self.job_am.id, self.job_rep.id, self.job_eng.id, self.job_clerk.id]
        employees = self.env["hr.employee"].create(
            [
                {
                    "name": f"TL Load {count} {number}",
                    "department_id": departments[number % 3],
                    "job_id": [*jobs, False][number % 5],
                }
                for number in range(count)
            ]
        )
        trainings = self.env["trainlink.attendance"]
        for number, employee in enumerate(employees):
            day = fields.Date.add(fields.Date.to_date("2026-01-05"), days=9 * number)
            trainings |= self._completed(employee, courses[number % 4], day)
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        answers = self.Api.api_comparison_groups(trainings.ids)
        queries = self.env.cr.sql_log_count - before
        self.assertTrue(all(answer["ok"] for answer in answers))
        return queries

    def test_queries_do_not_grow_per_training(self):
        self._queries(2)  # fills Odoo's caches (groups, access rights)
        few, many = 5, 50
        queries_few = self._queries(few)
        queries_many = self._queries(many)
        _logger.info(
            "api_comparison_groups: %s queries for %s trainings, %s for %s",
            queries_few,
            few,
            queries_many,
            many,
        )
        self.assertLess((queries_many - queries_few) / (many - few), 0.1)

import hashlib
from array import array
from collections import defaultdict
from datetime import date

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL


class TrainlinkAttendance(models.Model):
    _name = "trainlink.attendance"
    _description = "Training Attendance"
    _inherit = ["mail.thread", "mail.activity.mixin", "trainlink.guarded.mixin"]
    _order = "session_date desc, id desc"
    _rec_name = "employee_id"

    # The state changes through the buttons (present, absent, complete,
    # cancel); the results are entered by officers, never on their own
    # attendance.
    _trainlink_guarded_fields = frozenset({"state"})
    _trainlink_personal_fields = frozenset(
        {"employee_id", "exam_score", "hours_credited", "completion_date"}
    )

    session_id = fields.Many2one(
        "trainlink.session", required=True, ondelete="cascade", index=True
    )
    employee_id = fields.Many2one(
        "hr.employee", required=True, index=True, ondelete="cascade", tracking=True
    )
    course_id = fields.Many2one(related="session_id.course_id", store=True, index=True)
    company_id = fields.Many2one(related="session_id.company_id", store=True)
    department_id = fields.Many2one(
        "hr.department",
        compute="_compute_department_id",
        store=True,
        help="Department of the employee at enrolment.",
    )
    session_date = fields.Date(related="session_id.date_start", store=True)
    state = fields.Selection(
        [
            ("enrolled", "Enrolled"),
            ("attended", "Attended"),
            ("absent", "Absent"),
            ("completed", "Completed"),
            ("cancelled", "Cancelled"),
        ],
        default="enrolled",
        required=True,
        tracking=True,
    )
    exam_score = fields.Float(tracking=True, aggregator="avg")
    passing_score = fields.Float(related="course_id.passing_score")
    passed = fields.Boolean(compute="_compute_passed", store=True)
    hours_credited = fields.Float(aggregator="sum")
    satisfaction = fields.Selection(
        [
            ("1", "1 - Very dissatisfied"),
            ("2", "2 - Dissatisfied"),
            ("3", "3 - Neutral"),
            ("4", "4 - Satisfied"),
            ("5", "5 - Very satisfied"),
        ],
        help="Kirkpatrick level 1: how the attendee rated the session.",
    )
    completion_date = fields.Date(tracking=True)
    plan_ids = fields.One2many("trainlink.application.plan", "attendance_id")
    plan_count = fields.Integer(compute="_compute_plan_count")

    _sql_constraints = [
        (
            "session_employee_uniq",
            "unique(session_id, employee_id)",
            "This employee is already enrolled in this session.",
        ),
    ]

    @api.depends("session_id.name", "employee_id.name")
    def _compute_display_name(self):
        for attendance in self:
            attendance.display_name = (
                f"{attendance.session_id.name} - {attendance.employee_id.name}"
            )

    @api.depends("employee_id")
    def _compute_department_id(self):
        for attendance in self:
            attendance.department_id = attendance.employee_id.department_id

    @api.depends("state", "exam_score", "course_id.passing_score")
    def _compute_passed(self):
        for attendance in self:
            attendance.passed = (
                attendance.state in ("attended", "completed")
                and attendance.exam_score >= attendance.course_id.passing_score
            )

    @api.depends("plan_ids")
    def _compute_plan_count(self):
        for attendance in self:
            attendance.plan_count = len(attendance.plan_ids)

    @api.constrains("exam_score")
    def _check_exam_score(self):
        for attendance in self:
            if not 0 <= attendance.exam_score <= 100:
                raise ValidationError(
                    _(
                        "%(employee)s: the exam score must be between 0 and 100, "
                        "not %(score)s.",
                        employee=attendance.employee_id.name,
                        score=attendance.exam_score,
                    )
                )

    @api.constrains("hours_credited")
    def _check_hours_credited(self):
        for attendance in self:
            if attendance.hours_credited < 0:
                raise ValidationError(
                    _(
                        "%(employee)s: hours credited cannot be negative.",
                        employee=attendance.employee_id.name,
                    )
                )

    @api.constrains("employee_id", "session_id")
    def _check_company(self):
        for attendance in self:
            employee_company = attendance.employee_id.company_id
            if employee_company and employee_company != attendance.company_id:
                raise ValidationError(
                    _(
                        "%(employee)s belongs to another company than the session "
                        "%(session)s.",
                        employee=attendance.employee_id.name,
                        session=attendance.session_id.name,
                    )
                )

    def _check_state(self, allowed, action_name):
        """The attendances are in an allowed state, and the caller may record
        results on them (an officer, on someone else's attendance)."""
        self.check_access("write")
        self._trainlink_check_not_concerned()
        for attendance in self:
            if attendance.state not in allowed:
                raise UserError(
                    _(
                        "%(employee)s (%(session)s): cannot %(action)s an attendance "
                        "that is %(state)s.",
                        employee=attendance.employee_id.name,
                        session=attendance.session_id.name,
                        action=action_name,
                        state=dict(
                            self._fields["state"]._description_selection(self.env)
                        )[attendance.state],
                    )
                )

    def action_mark_present(self):
        self._check_state(("enrolled", "absent"), _("mark present"))
        self.sudo().write({"state": "attended"})
        return True

    def action_mark_absent(self):
        self._check_state(("enrolled", "attended"), _("mark absent"))
        self.sudo().write({"state": "absent", "hours_credited": 0.0})
        return True

    def action_complete(self):
        """Close the attendance: credit the hours, date the completion, ask the
        employee for an application plan and update the needs it answers."""
        self._check_state(("attended",), _("complete"))
        for attendance in self:
            attendance.sudo().write(
                {
                    "state": "completed",
                    "completion_date": attendance.completion_date
                    or attendance.session_id.date_end
                    or fields.Date.context_today(attendance),
                    "hours_credited": attendance.hours_credited
                    or attendance.session_id.hours,
                }
            )
        self._schedule_plan_activity()
        self._update_needs()
        return True

    def action_cancel(self):
        self._check_state(("enrolled", "attended", "absent"), _("cancel"))
        self.sudo().write({"state": "cancelled"})
        return True

    def action_create_plan(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Application Plan"),
            "res_model": "trainlink.application.plan",
            "view_mode": "form",
            "res_id": self.plan_ids[:1].id,
            "context": {"default_attendance_id": self.id},
        }

    def _schedule_plan_activity(self):
        for attendance in self:
            user = attendance.employee_id.user_id
            if not user or attendance.plan_ids:
                continue
            attendance.activity_schedule(
                "trainlink_performance.mail_activity_type_write_plan",
                date_deadline=fields.Date.add(attendance.completion_date, days=7),
                summary=_(
                    "Write your application plan for %(course)s",
                    course=attendance.course_id.name,
                ),
                user_id=user.id,
            )

    def _update_needs(self):
        needs = (
            self.env["trainlink.need"]
            .sudo()
            .search(
                [
                    ("state", "=", "planned"),
                    ("course_id", "in", self.course_id.ids),
                    ("employee_ids", "in", self.employee_id.ids),
                ]
            )
        )
        needs._update_coverage()

    # -- training assessment and the sync worker's reads --

    assessment = fields.Selection(
        [("excellent", "Excellent"), ("good", "Good"), ("failed", "Failed")],
        compute="_compute_assessment",
        store=True,
        help="Passed with at least the company's excellent score: excellent; "
        "passed: good; otherwise failed. Empty until the employee attended.",
    )
    bonus_coefficient = fields.Float(
        compute="_compute_bonus_coefficient",
        digits=(16, 2),
        help="Coefficient the training assessment applies to the bonus, from the "
        "company settings (by default excellent 1.2, good 1.0, failed 0.8); 1.0 "
        "while not assessed.",
    )
    contribution_ids = fields.One2many("trainlink.contribution", "attendance_id")

    @api.depends(
        "state", "passed", "exam_score", "company_id.trainlink_excellent_score"
    )
    def _compute_assessment(self):
        for attendance in self:
            if attendance.state not in ("attended", "completed"):
                attendance.assessment = False
            elif not attendance.passed:
                attendance.assessment = "failed"
            elif (
                attendance.exam_score >= attendance.company_id.trainlink_excellent_score
            ):
                attendance.assessment = "excellent"
            else:
                attendance.assessment = "good"

    @api.depends(
        "assessment",
        "company_id.trainlink_coef_excellent",
        "company_id.trainlink_coef_good",
        "company_id.trainlink_coef_failed",
    )
    def _compute_bonus_coefficient(self):
        for attendance in self:
            company = attendance.company_id
            attendance.bonus_coefficient = (
                company[f"trainlink_coef_{attendance.assessment}"]
                if attendance.assessment
                else 1.0
            )

    # ------------------------------------------------------------------ API --

    @api.model
    def api_read_completed(self, since=None):
        """Completed trainings of the caller's companies, oldest first, those
        completed on or after `since` (YYYY-MM-DD) when given: what the worker
        measures. Each one with its employee, course, completion date, the
        course's windows in months and the codes of the KPIs it should move."""
        self.env["trainlink.kpi.value"]._check_sync_access()
        domain = [
            ("state", "=", "completed"),
            ("company_id", "in", self.env.companies.ids),
        ]
        if since:
            domain.append(("completion_date", ">=", self._parse_since(since)))
        attendances = self.sudo().search(domain, order="completion_date, id")
        return [attendance._completed_as_dict() for attendance in attendances]

    @api.model
    def _parse_since(self, since):
        try:
            return date.fromisoformat(since)
        except (TypeError, ValueError):
            raise UserError(_("since must be a date written YYYY-MM-DD.")) from None

    def _completed_as_dict(self):
        self.ensure_one()
        return {
            "attendance_id": self.id,
            "employee_id": self.employee_id.id,
            "department_id": self.department_id.id,
            "course_id": self.course_id.id,
            "company_id": self.company_id.id,
            "completion_date": fields.Date.to_string(self.completion_date),
            "baseline_window_months": self.course_id.baseline_window_months,
            "kpi_window_months": self.course_id.kpi_window_months,
            "kpi_codes": self.course_id.kpi_ids.mapped("code"),
        }

    @api.model
    def api_comparison_groups(self, attendance_ids):
        """Comparison groups of completed trainings, for the worker: in the
        order of the ids, {"ok", "attendance_id", "min_peers", "window_start",
        "window_end", "groups": [{"basis", "employee_ids"}], "groups_digest",
        "inputs", "measured_kpis"} or {"ok": False, "reason"}. Only ids, codes
        and digests (see _add_measurement_inputs: what tells the worker that
        a training's measurement would come out the same). With
        `trainlink_compact` in the context, the groups are left out and only
        their digest is told: what a worker needs to see that nothing changed
        (groups of a job family hold thousands of ids each).

        Groups, most specific first: the same department (and job, when the
        trainee has one), the same job across the company, the same job family
        across the company. Left out of every group: the trainee, and whoever
        completed the same course or another course aimed at one of its KPIs
        in any month from the first baseline month to the last post month.
        The company's minimum number of peers tells the worker when a group
        is large enough.

        Answered for the whole batch at once: the employees and the completed
        trainings concerned are read once, so the number of queries does not
        grow with the number of trainings."""
        self.env["trainlink.kpi.value"]._check_sync_access()
        self.env["trainlink.kpi.value"]._check_batch(attendance_ids)
        found = self._sync_attendances(attendance_ids)
        completed = self.sudo().browse(
            [
                attendance.id
                for attendance in found.values()
                if attendance.state == "completed" and attendance.completion_date
            ]
        )
        answers = completed._comparison_answers()
        result = []
        for value in attendance_ids:
            known = isinstance(value, int) and not isinstance(value, bool)
            attendance_id = value if known and value in found else None
            if not attendance_id:
                result.append(
                    {"ok": False, "reason": _("unknown attendance %(id)s", id=value)}
                )
            elif attendance_id not in answers:
                result.append(
                    {
                        "ok": False,
                        "reason": _(
                            "attendance %(id)s is not completed", id=attendance_id
                        ),
                    }
                )
            else:
                result.append(answers[attendance_id])
        return result

    @api.model
    def _sync_attendances(self, values):
        """{id: attendance, as superuser} of the values that are ids of
        attendances of the caller's companies."""
        ids = self.env["trainlink.kpi.value"]._valid_ids(values)
        attendances = self.sudo().browse(sorted(ids)).exists()
        companies = self.env.companies.ids
        return {
            attendance.id: attendance
            for attendance in attendances
            if attendance.company_id.id in companies
        }

    def _comparison_answers(self):
        """{attendance id: answer of api_comparison_groups} of these completed
        attendances."""
        if not self:
            return {}
        windows = {attendance: attendance._measurement_months() for attendance in self}
        trained = self._trained_in_windows(windows)
        peers = self._peer_index()
        answers = {}
        for attendance, (start, end) in windows.items():
            excluded = trained[attendance.course_id.id, start, end] | {
                attendance.employee_id.id
            }
            answers[attendance.id] = {
                "ok": True,
                "attendance_id": attendance.id,
                "min_peers": attendance.company_id.trainlink_min_peers,
                "window_start": fields.Date.to_string(start),
                "window_end": fields.Date.to_string(end),
                "groups": [
                    {
                        "basis": basis,
                        "employee_ids": [
                            employee for employee in members if employee not in excluded
                        ],
                    }
                    for basis, members in attendance._peer_groups(peers)
                ],
            }
        self._add_measurement_inputs(answers, windows)
        for answer in answers.values():
            answer["groups_digest"] = _groups_digest(answer["groups"])
            if self.env.context.get("trainlink_compact"):
                del answer["groups"]
        return answers

    def _add_measurement_inputs(self, answers, windows):
        """Add to each answer what the worker's measurement of it rests on,
        so that it measures a training again only when that changed:

        - "inputs": a digest of the stored monthly values of the trainee and
          of every member of its groups, for the course's KPIs, from the
          first prior month (two baseline windows before the baseline) to
          the last post month: the count of the values and the sum of a hash
          of each one's id, employee, KPI, month and figure, so that a value
          added, changed, moved or deleted changes it;
        - "measured_kpis": the codes of the KPIs the training already has a
          contribution for, so that a contribution deleted in Odoo is
          measured and sent again.

        The groups of a batch share most of their members (a job family
        spans the company): the values are read and hashed once, summed per
        employee, KPI and month, then added up per training over running
        totals, and trainings with the same peers, KPIs and months share
        their sum. One query each for the whole batch."""
        spans = {}
        for attendance, (start, end) in windows.items():
            course = attendance.course_id
            prior = relativedelta(months=2 * course.baseline_window_months)
            peers = frozenset().union(
                *(group["employee_ids"] for group in answers[attendance.id]["groups"])
            )
            spans[attendance] = (peers, tuple(course.kpi_ids.ids), start - prior, end)
        totals = self._value_totals(
            {attendance.employee_id.id for attendance in self}.union(
                *(span[0] for span in spans.values())
            ),
            {kpi for span in spans.values() for kpi in span[1]},
            min(span[2] for span in spans.values()),
            max(span[3] for span in spans.values()),
        )
        shared = {}  # (peers, KPIs, since, until): their (count, sum)
        digests = {}
        for attendance, key in spans.items():
            if key not in shared:
                shared[key] = totals(*key)
            count, total = totals([attendance.employee_id.id], *key[1:])
            peer_count, peer_total = shared[key]
            digests[attendance.id] = f"{count + peer_count}:{total + peer_total}"
        measured = defaultdict(set)
        for attendance, kpi in (
            self.env["trainlink.contribution"]
            .sudo()
            ._read_group(
                [("attendance_id", "in", self.ids)], ["attendance_id", "kpi_id"]
            )
        ):
            measured[attendance.id].add(kpi.code)
        for attendance_id, answer in answers.items():
            answer["inputs"] = digests[attendance_id]
            answer["measured_kpis"] = sorted(measured[attendance_id])

    def _value_totals(self, employees, kpis, first, last):
        """A function (employees, kpis, since, until) -> (count, hash sum)
        of the stored monthly values of those employees and KPIs in the
        months from since to until, over the values of `employees` and
        `kpis` from `first` to `last`: read in one query as per-month counts
        and hash sums, then kept as running totals per employee and KPI so
        that any span is a difference of two."""
        origin = first.year * 12 + first.month - 1
        months = last.year * 12 + last.month - origin
        self.env["trainlink.kpi.value"].flush_model()
        self.env.cr.execute(
            SQL(
                """SELECT employee_id, kpi_id, period_start, count(*),
                          sum(hashtextextended(concat_ws('|', id, employee_id,
                              kpi_id, period_start, value), 0))
                     FROM trainlink_kpi_value
                    WHERE employee_id = ANY(%s) AND kpi_id = ANY(%s)
                      AND period_type = 'month'
                      AND period_start BETWEEN %s AND %s
                      AND company_id IN %s
                    GROUP BY employee_id, kpi_id, period_start""",
                sorted(employees),
                sorted(kpis),
                first,
                last,
                tuple(self.env.companies.ids),
            )
        )
        cells = defaultdict(lambda: [[0, 0] for _month in range(months)])
        for employee, kpi, day, count, total in self.env.cr.fetchall():
            cell = cells[employee, kpi][day.year * 12 + day.month - 1 - origin]
            cell[0] += count
            cell[1] += int(total)
        running = {}  # (employee, kpi): running (count, sum) before each month
        for key, per_month in cells.items():
            count = total = 0
            running[key] = [(0, 0)]
            for month_count, month_total in per_month:
                count, total = count + month_count, total + month_total
                running[key].append((count, total))

        def totals(employee_ids, kpi_ids, since, until):
            start = since.year * 12 + since.month - 1 - origin
            end = until.year * 12 + until.month - origin
            count = total = 0
            for employee in employee_ids:
                for kpi in kpi_ids:
                    series = running.get((employee, kpi))
                    if series:
                        count += series[end][0] - series[start][0]
                        total += series[end][1] - series[start][1]
            return count, total

        return totals

    def _measurement_months(self):
        """First day of the first baseline month and last day of the last post
        month: the windows in whole months, as the worker measures them."""
        self.ensure_one()
        course = self.course_id
        month = self.completion_date.replace(day=1)
        return (
            month - relativedelta(months=course.baseline_window_months),
            month + relativedelta(months=course.kpi_window_months + 1, days=-1),
        )

    def _trained_in_windows(self, windows):
        """{(course id, start, end): ids of the employees who completed that
        course or another one aimed at one of its KPIs between start and end}
        for these attendances' courses and `windows` ({attendance: (start,
        end)}). The completed trainings of every course concerned are read
        once and sorted out here."""
        courses = self.course_id
        # Read from the module lines: the courses' KPI lists are computed.
        lines = (
            self.env["trainlink.course.module.kpi"]
            .sudo()
            .search_fetch(
                [("kpi_id", "in", courses.kpi_ids.ids)], ["kpi_id", "module_id"]
            )
        )
        courses_of_kpi = defaultdict(set)
        for line in lines:
            courses_of_kpi[line.kpi_id.id].add(line.module_id.course_id.id)
        related = {
            course.id: {course.id}.union(
                *(courses_of_kpi[kpi] for kpi in course.kpi_ids.ids)
            )
            for course in courses
        }
        starts, ends = zip(*windows.values(), strict=True)
        done = self.sudo().search_fetch(
            [
                ("course_id", "in", list(set().union(*related.values()))),
                ("state", "=", "completed"),
                ("completion_date", ">=", min(starts)),
                ("completion_date", "<=", max(ends)),
            ],
            ["course_id", "completion_date", "employee_id"],
        )
        completions = defaultdict(list)  # course id: [(completion date, employee)]
        for attendance in done:
            completions[attendance.course_id.id].append(
                (attendance.completion_date, attendance.employee_id.id)
            )
        trained = {}
        for attendance, (start, end) in windows.items():
            key = (attendance.course_id.id, start, end)
            if key not in trained:
                trained[key] = {
                    employee
                    for course in related[key[0]]
                    for day, employee in completions[course]
                    if start <= day <= end
                }
        return trained

    def _peer_index(self):
        """Active employees of these attendances' companies who share a
        department, a job or a job family with one of the trainees, in the
        order a search gives, under the keys _peer_groups looks them up by."""
        trainees = self.employee_id.sudo()
        trainees.fetch(["department_id", "job_id"])
        jobs = trainees.job_id
        jobs.fetch(["trainlink_job_family"])
        families = [family for family in jobs.mapped("trainlink_job_family") if family]
        employees = (
            self.env["hr.employee"]
            .sudo()
            .search_fetch(
                [
                    ("company_id", "in", self.company_id.ids),
                    "|",
                    "|",
                    (
                        "department_id",
                        "in",
                        (self.department_id | trainees.department_id).ids,
                    ),
                    ("job_id", "in", jobs.ids),
                    ("job_id.trainlink_job_family", "in", families),
                ],
                ["company_id", "department_id", "job_id"],
            )
        )
        employees.job_id.fetch(["trainlink_job_family"])
        index = defaultdict(list)
        for employee in employees:
            company, department = employee.company_id.id, employee.department_id.id
            job = employee.job_id
            for key in (
                ("department", company, department, None),
                ("department", company, department, job.id),
                ("job", company, job.id),
                ("job_family", company, job.trainlink_job_family),
            ):
                index[key].append(employee.id)
        return index

    def _peer_groups(self, index):
        """(basis, employee ids) of the company, most specific first, from
        _peer_index; the trainee is still in them."""
        self.ensure_one()
        employee = self.employee_id.sudo()
        company = self.company_id.id
        job = employee.job_id
        department = self.department_id or employee.department_id
        groups = []
        if department:
            key = ("department", company, department.id, job.id or None)
            groups.append(("department", index.get(key, [])))
        if job:
            groups.append(("job", index.get(("job", company, job.id), [])))
        if job.trainlink_job_family:
            family = ("job_family", company, job.trainlink_job_family)
            groups.append(("job_family", index.get(family, [])))
        return groups


def _groups_digest(groups):
    """A digest of comparison groups: their bases and members, in order."""
    digest = hashlib.blake2b(digest_size=16)
    for group in groups:
        ids = group["employee_ids"]
        digest.update(f"{group['basis']}:{len(ids)}:".encode())
        digest.update(array("q", ids).tobytes())
    return digest.hexdigest()

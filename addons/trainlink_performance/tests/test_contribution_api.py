from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.base.controllers.rpc import dumps

from .common_contribution import ContributionCase


@tagged("post_install", "-at_install")
class TestContributionApi(ContributionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Api = cls.Contribution.with_user(cls.user_sync)

    def _row(self, **values):
        return self._api_row(
            **{
                "baseline_value": 100000.0,
                "post_value": 120000.0,
                "peer_lift": 2.0,
                **values,
            }
        )

    def _stored(self, kpi=None):
        return self.Contribution.search(
            [
                ("attendance_id", "=", self.attendance.id),
                ("kpi_id", "=", (kpi or self.kpi_revenue).id),
            ]
        )

    def _max_write_date(self):
        self.env.flush_all()
        self.env.cr.execute("SELECT max(write_date) FROM trainlink_contribution")
        return self.env.cr.fetchone()[0]

    def _other_company_attendance(self):
        other = self.env["res.company"].create({"name": "TL Other Co"})
        course = self.env["trainlink.course"].create(
            {"name": "Other course", "company_id": other.id}
        )
        employee = self.env["hr.employee"].create(
            {"name": "Stranger", "company_id": other.id}
        )
        session = self._session(course_id=course.id, company_id=other.id)
        return self._completed_attendance(employee, session=session)

    # -- upsert --------------------------------------------------------------

    def test_upsert_creates_rated_contributions(self):
        result = self.Api.api_upsert(
            [self._row(), self._row(kpi_code="tl_complaints", post_value=80000.0)]
        )
        self.assertEqual(
            result,
            {"read": 2, "created": 2, "updated": 0, "unchanged": 0, "rejected": []},
        )
        revenue = self._stored()
        self.assertEqual(revenue.employee_id, self.emma)
        self.assertEqual(revenue.course_id, self.course)
        self.assertEqual(revenue.company_id, self.company)
        self.assertEqual((revenue.lift, revenue.net_lift), (20.0, 18.0))
        self.assertEqual((revenue.rating, revenue.score_bonus), ("excellent", 5.0))
        self.assertEqual(self._stored(self.kpi_complaints).net_lift, 18.0)

    def test_resending_the_same_batch_writes_nothing(self):
        rows = [self._row(), self._row(kpi_code="TL_COMPLAINTS")]
        self.Api.api_upsert(rows)
        written = self._max_write_date()
        result = self.Api.api_upsert(rows)
        self.assertEqual(
            result,
            {"read": 2, "created": 0, "updated": 0, "unchanged": 2, "rejected": []},
        )
        self.assertEqual(self._max_write_date(), written)

    def test_changed_row_is_updated_in_place_and_rated_again(self):
        self.Api.api_upsert([self._row()])
        result = self.Api.api_upsert([self._row(post_value=95000.0)])
        self.assertEqual((result["created"], result["updated"]), (0, 1))
        contribution = self._stored()
        self.assertEqual(len(contribution), 1)
        self.assertEqual(contribution.rating, "insufficient")
        self.assertTrue(contribution.pip_due)

    def test_each_bad_row_is_rejected_with_its_reason_and_good_rows_apply(self):
        enrolled = self.env["trainlink.attendance"].create(
            {"session_id": self._session().id, "employee_id": self.otto.id}
        )
        foreign = self._other_company_attendance()
        row_without_key = self._row()
        del row_without_key["post_start"]
        bad_rows = {
            "missing field post_start": row_without_key,
            "field attendance_id has the wrong type": self._row(attendance_id="12"),
            "field baseline_points has the wrong type": self._row(baseline_points=2.5),
            "field peer_lift has the wrong type": self._row(peer_lift=True),
            "post_value must be a finite number": self._row(post_value=float("inf")),
            "peer_lift must be a finite number": self._row(peer_lift=float("nan")),
            "window dates must be written YYYY-MM-DD": self._row(
                baseline_start="01/12/2025"
            ),
            "the post window ends before it starts": self._row(post_end="2026-03-31"),
            "the baseline window ends before it starts": self._row(
                baseline_end="2025-11-30"
            ),
            "data point counts cannot be negative": self._row(post_points=-1),
            "unknown attendance 999999": self._row(attendance_id=999999),
            f"attendance {foreign.id} belongs to another company": self._row(
                attendance_id=foreign.id
            ),
            f"attendance {enrolled.id} is not completed": self._row(
                attendance_id=enrolled.id
            ),
            "unknown KPI code NOPE": self._row(kpi_code="NOPE"),
            "a row must be a mapping": ["not", "a", "row"],
        }
        good = self._row(kpi_code="TL_COMPLAINTS")
        rows = [self._row(), *bad_rows.values(), good]
        result = self.Api.api_upsert(rows)
        self.assertEqual(result["created"], 2)
        reasons = [r["reason"] for r in result["rejected"]]
        self.assertEqual(len(reasons), len(bad_rows))
        for expected, reason in zip(bad_rows, reasons, strict=True):
            self.assertIn(expected, reason)
        self.assertEqual(
            [r["row"] for r in result["rejected"]], list(range(1, len(bad_rows) + 1))
        )
        self.assertEqual(
            result["rejected"][-2]["external_key"],
            f"{self.attendance.id}/NOPE/2026-04-01/2026-06-30",
        )
        self.assertTrue(self._stored() and self._stored(self.kpi_complaints))

    def test_duplicate_key_in_batch_keeps_the_first(self):
        result = self.Api.api_upsert(
            [self._row(post_value=110000.0), self._row(kpi_code=" tl_rev ")]
        )
        self.assertEqual(result["created"], 1)
        self.assertIn(
            "duplicate key in this batch (first at row 0)",
            result["rejected"][0]["reason"],
        )
        self.assertEqual(self._stored().post_value, 110000.0)

    def test_oversized_batch_is_refused_whole(self):
        rows = [self._row(post_value=float(i)) for i in range(5001)]
        with self.assertRaisesRegex(UserError, "at most 5000 rows"):
            self.Api.api_upsert(rows)
        self.assertFalse(self._stored())

    def test_run_log_counts_contributions(self):
        Run = self.env["trainlink.sync.run"].with_user(self.user_sync)
        run_id = Run.api_start("contributions")
        self.Api.api_upsert([self._row(), self._row(kpi_code="NOPE")], run_id)
        self.Api.api_upsert([self._row()], run_id)
        run = Run.browse(run_id)
        self.assertEqual(
            (
                run.read_count,
                run.created_count,
                run.unchanged_count,
                run.rejected_count,
            ),
            (3, 1, 1, 1),
        )
        self.assertIn(
            f"row 1 ({self.attendance.id}/NOPE/2026-04-01/2026-06-30): "
            "unknown KPI code NOPE",
            run.rejection_log,
        )
        self.assertEqual(self._stored().run_id, run)

    def test_every_answer_marshals_over_xml_rpc(self):
        env = self.env(user=self.user_sync)
        answers = [
            env["trainlink.contribution"].api_upsert(["not a row", {}]),
            env["trainlink.kpi"].api_read_kpis(),
            env["trainlink.attendance"].api_read_completed(),
            env["trainlink.attendance"].api_comparison_groups(
                [self.attendance.id, 999999]
            ),
            env["trainlink.kpi.value"].api_match_employees(["x", {"login": "tl_emma"}]),
        ]
        for answer in answers:
            with self.subTest(answer=answer):
                self.assertIn("<methodResponse>", dumps((answer,)))

    # -- access --------------------------------------------------------------

    def test_callers_outside_the_sync_group_get_an_access_error(self):
        calls = {
            "upsert": lambda env: env["trainlink.contribution"].api_upsert([]),
            "kpis": lambda env: env["trainlink.kpi"].api_read_kpis(),
            "completed": lambda env: env["trainlink.attendance"].api_read_completed(),
            "peers": lambda env: env["trainlink.attendance"].api_comparison_groups(
                [self.attendance.id]
            ),
            "match": lambda env: env["trainlink.kpi.value"].api_match_employees([]),
        }
        for user in (self.user_officer, self.user_emma):
            for name, call in calls.items():
                with self.subTest(user=user.login, call=name):
                    with self.assertRaises(AccessError):
                        call(self.env(user=user))

    def test_sync_user_neither_deletes_contributions_nor_reads_rules(self):
        self.Api.api_upsert([self._row()])
        with self.assertRaises(AccessError):
            self._stored().with_user(self.user_sync).unlink()
        with self.assertRaises(AccessError):
            self.env["trainlink.contribution.rule"].with_user(self.user_sync).search([])

    def test_insufficient_upsert_arranges_consequences_for_the_sync_user(self):
        self.Api.api_upsert([self._row(post_value=90000.0)])
        contribution = self._stored()
        self.assertEqual(contribution.retrain_need_id.employee_ids, self.emma)
        self.assertEqual(
            self.attendance.activity_ids.filtered(
                lambda a: a.user_id == self.user_eric
            ).activity_type_id,
            self.env.ref("trainlink_performance.mail_activity_type_review_effect"),
        )

    # -- read API ------------------------------------------------------------

    def test_read_kpis_lists_the_kpis_of_the_callers_companies(self):
        kpis = {
            k["code"]: k
            for k in self.env["trainlink.kpi"].with_user(self.user_sync).api_read_kpis()
        }
        self.assertEqual(
            kpis["TL_COMPLAINTS"],
            {
                "id": self.kpi_complaints.id,
                "code": "TL_COMPLAINTS",
                "direction": "lower",
                "aggregation": "rate",
                "source_kind": "service",
                "company_id": self.company.id,
                "unit_value": 0.0,
            },
        )
        self.assertEqual(kpis["TL_REV"]["unit_value"], 1.0)

    def test_read_completed_gives_windows_and_kpi_codes(self):
        Attendance = self.env["trainlink.attendance"].with_user(self.user_sync)
        self.env["trainlink.attendance"].create(
            {"session_id": self._session().id, "employee_id": self.otto.id}
        )
        rows = [
            row
            for row in Attendance.api_read_completed()
            if row["attendance_id"] == self.attendance.id
        ]
        self.assertEqual(
            rows,
            [
                {
                    "attendance_id": self.attendance.id,
                    "employee_id": self.emma.id,
                    "department_id": self.department.id,
                    "course_id": self.course.id,
                    "company_id": self.company.id,
                    "completion_date": "2026-03-03",
                    "baseline_window_months": 3,
                    "kpi_window_months": 3,
                    "kpi_codes": ["TL_COMPLAINTS", "TL_REV"],
                }
            ],
        )
        ids = {row["attendance_id"] for row in Attendance.api_read_completed()}
        self.assertNotIn(self._other_company_attendance().id, ids)

    def test_read_completed_since_a_date(self):
        Attendance = self.env["trainlink.attendance"].with_user(self.user_sync)
        later = self._completed_attendance(
            self.otto,
            session=self._session(date_start="2026-05-04", date_end="2026-05-05"),
        )
        ids = [
            row["attendance_id"] for row in Attendance.api_read_completed("2026-03-04")
        ]
        self.assertIn(later.id, ids)
        self.assertNotIn(self.attendance.id, ids)
        with self.assertRaisesRegex(UserError, "YYYY-MM-DD"):
            Attendance.api_read_completed("March")

    def test_comparison_groups_fall_back_and_leave_out_peers_trained_in_the_window(
        self,
    ):
        Employee = self.env["hr.employee"]
        Job = self.env["hr.job"]
        job = Job.create(
            {"name": "TL Account Manager", "trainlink_job_family": "sales"}
        )
        other_job = Job.create(
            {"name": "TL Sales Rep", "trainlink_job_family": "sales"}
        )
        self.emma.job_id = job
        peers = Employee.create(
            [
                {"name": name, "department_id": self.department.id, "job_id": job.id}
                for name in ("Peer A", "Peer B", "Peer C", "Peer D")
            ]
        )
        other = Employee.create(
            {"name": "Other job", "department_id": self.department.id}
        )
        elsewhere = Employee.create(
            {
                "name": "Same job elsewhere",
                "department_id": self.other_department.id,
                "job_id": job.id,
            }
        )
        family = Employee.create({"name": "Same family", "job_id": other_job.id})
        # B took the same course in the post window; D another course aimed
        # at revenue in the baseline window; C the same course after it.
        in_window = self._session(date_start="2026-04-06", date_end="2026-04-07")
        self._completed_attendance(peers[1], session=in_window)
        revenue_course = self.env["trainlink.course"].create(
            {
                "name": "Upselling",
                "module_ids": [
                    fields.Command.create(
                        {
                            "name": "Upsell",
                            "kpi_line_ids": [
                                fields.Command.create({"kpi_id": self.kpi_revenue.id})
                            ],
                        }
                    )
                ],
            }
        )
        upselling = self._session(
            course_id=revenue_course.id, date_start="2025-12-01", date_end="2025-12-01"
        )
        self._completed_attendance(peers[3], session=upselling)
        long_after = self._session(date_start="2026-09-07", date_end="2026-09-08")
        self._completed_attendance(peers[2], session=long_after)
        (result,) = (
            self.env["trainlink.attendance"]
            .with_user(self.user_sync)
            .api_comparison_groups([self.attendance.id])
        )
        kept = peers[0] | peers[2]
        self.assertEqual(
            {
                key: value
                for key, value in result.items()
                if key not in ("groups", "groups_digest", "inputs", "measured_kpis")
            },
            {
                "ok": True,
                "attendance_id": self.attendance.id,
                "min_peers": 5,
                "window_start": "2025-12-01",
                "window_end": "2026-06-30",
            },
        )
        # The demo data has sales people too: look at this test's people.
        ours = set((peers | other | elsewhere | family | self.emma).ids)
        groups = [
            (group["basis"], set(group["employee_ids"]) & ours)
            for group in result["groups"]
        ]
        self.assertEqual(
            groups,
            [
                ("department", set(kept.ids)),
                ("job", set((kept | elsewhere).ids)),
                ("job_family", set((kept | elsewhere | family).ids)),
            ],
        )

    def test_comparison_groups_of_unknown_or_foreign_attendances(self):
        Attendance = self.env["trainlink.attendance"].with_user(self.user_sync)
        foreign = self._other_company_attendance()
        results = Attendance.api_comparison_groups(
            [999999, foreign.id, "1", 2**40, self.attendance.id]
        )
        for result in results[:4]:
            with self.subTest(result=result):
                self.assertEqual(result["ok"], False)
                self.assertIn("unknown attendance", result["reason"])
        self.assertTrue(results[4]["ok"])

    def test_match_employees_by_each_kind_of_key(self):
        self.emma.write(
            {
                "barcode": "EMMA001",
                "work_email": "Emma.Sales@Example.com",
                "identification_id": "ID-EMMA",
            }
        )
        keys = [
            {"barcode": "EMMA001"},
            {"work_email": "emma.sales@example.com"},
            {"identification_id": " ID-EMMA "},
            {"login": "TL_OTTO"},
        ]
        result = (
            self.env["trainlink.kpi.value"]
            .with_user(self.user_sync)
            .api_match_employees(keys)
        )
        self.assertEqual(
            [(r["row"], r["employee_id"], r["reason"]) for r in result],
            [
                (0, self.emma.id, False),
                (1, self.emma.id, False),
                (2, self.emma.id, False),
                (3, self.otto.id, False),
            ],
        )

    def test_match_employees_rejects_what_it_cannot_match_uniquely(self):
        self.emma.work_email = "emma_sales@example.com"
        self.env["hr.employee"].create(
            {"name": "Gone", "barcode": "GONE", "active": False}
        )
        self.env["hr.employee"].create(
            [
                {"name": name, "work_email": "twin@example.com"}
                for name in ("Twin A", "Twin B")
            ]
        )
        stranger_company = self.env["res.company"].create({"name": "TL Other Co"})
        self.env["hr.employee"].create(
            {"name": "Stranger", "barcode": "FAR", "company_id": stranger_company.id}
        )
        expected = {
            "no active employee of your companies matches": {"barcode": "GONE"},
            "no active employee": {"barcode": "FAR"},
            "2 employees match": {"work_email": "twin@example.com"},
            "give exactly one of barcode": {"barcode": "X", "login": "tl_emma"},
            "give exactly one of": {},
            "field login has the wrong type": {"login": 42},
            "a key must be a mapping": "tl_emma",
        }
        keys = [{"work_email": "emma%sales@example.com"}, *expected.values()]
        result = (
            self.env["trainlink.kpi.value"]
            .with_user(self.user_sync)
            .api_match_employees(keys)
        )
        self.assertEqual(result[0]["employee_id"], False, "% is not a wildcard")
        for (reason, _key), row in zip(expected.items(), result[1:], strict=True):
            with self.subTest(reason=reason):
                self.assertEqual(row["employee_id"], False)
                self.assertIn(reason, row["reason"])

from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import TrainlinkCase

GROUP_SYNC = "trainlink_performance.group_trainlink_sync"


@tagged("post_install", "-at_install")
class TestSyncApi(TrainlinkCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_sync = cls._user("tl_sync", GROUP_SYNC)
        cls.Value = cls.env["trainlink.kpi.value"].with_user(cls.user_sync)

    def _row(self, key="EMMA-2026-01", **values):
        return self._kpi_value_row(key, **values)

    def _stored(self, key):
        return self.env["trainlink.kpi.value"].search(
            [("source", "=", "crm"), ("external_key", "=", key)]
        )

    def test_upsert_creates_values_with_company_and_department(self):
        result = self.Value.api_upsert([self._row(), self._row("EMMA-2026-02")])
        self.assertEqual(
            result,
            {"read": 2, "created": 2, "updated": 0, "unchanged": 0, "rejected": []},
        )
        value = self._stored("EMMA-2026-01")
        self.assertEqual(value.kpi_id, self.kpi_revenue)
        self.assertEqual(value.employee_id, self.emma)
        self.assertEqual(value.department_id, self.department)
        self.assertEqual(value.company_id, self.company)
        self.assertEqual(value.value, 120000.0)

    def test_a_fresh_batch_asks_for_default_values_once_not_per_row(self):
        Value = self.registry["trainlink.kpi.value"]
        rows = [
            self._row(
                f"EMMA-{year}-01",
                period_start=f"{year}-01-01",
                period_end=f"{year}-01-31",
            )
            for year in range(2001, 2041)
        ]
        with patch.object(
            Value, "default_get", autospec=True, side_effect=Value.default_get
        ) as default_get:
            result = self.Value.api_upsert(rows)
        self.assertEqual(result["created"], 40)
        self.assertEqual(default_get.call_count, 1)
        values = self.env["trainlink.kpi.value"].search([("source", "=", "crm")])
        self.assertEqual(len(values), 40)
        # Odoo's own columns are filled as by a plain create.
        self.assertEqual(values.create_uid, self.user_sync)
        self.assertTrue(all(values.mapped("create_date")))
        self.assertEqual(set(values.mapped("period_type")), {"month"})
        # A plain create outside the API still asks row by row.
        with patch.object(
            Value, "default_get", autospec=True, side_effect=Value.default_get
        ) as default_get:
            self.env["trainlink.kpi.value"].create(
                [
                    {
                        "employee_id": self.emma.id,
                        "kpi_id": self.kpi_revenue.id,
                        "company_id": self.company.id,
                        "period_start": f"{year}-01-01",
                        "period_end": f"{year}-01-31",
                        "value": 1.0,
                        "source": "manual",
                        "external_key": str(year),
                    }
                    for year in (2001, 2002)
                ]
            )
        self.assertEqual(default_get.call_count, 2)

    def test_resending_the_same_batch_writes_nothing(self):
        rows = [self._row(), self._row("EMMA-2026-02", value=90000)]
        self.Value.api_upsert(rows)
        before = self._stored("EMMA-2026-01").last_synced
        self.env.flush_all()
        self.env.cr.execute("SELECT max(write_date) FROM trainlink_kpi_value")
        written = self.env.cr.fetchone()[0]
        result = self.Value.api_upsert(rows)
        self.assertEqual((result["created"], result["updated"]), (0, 0))
        self.assertEqual(result["unchanged"], 2)
        self.env.flush_all()
        self.env.cr.execute("SELECT max(write_date) FROM trainlink_kpi_value")
        self.assertEqual(self.env.cr.fetchone()[0], written)
        self.assertEqual(self._stored("EMMA-2026-01").last_synced, before)

    def test_changed_value_is_updated_in_place(self):
        self.Value.api_upsert([self._row()])
        result = self.Value.api_upsert([self._row(value=130000)])
        self.assertEqual((result["created"], result["updated"]), (0, 1))
        value = self._stored("EMMA-2026-01")
        self.assertEqual(len(value), 1)
        self.assertEqual(value.value, 130000.0)

    def test_each_bad_row_is_rejected_with_its_reason_and_good_rows_apply(self):
        archived = self.env["hr.employee"].create({"name": "Gone", "active": False})
        other = self.env["res.company"].create({"name": "TL Other Co"})
        stranger = self.env["hr.employee"].create(
            {"name": "Stranger", "company_id": other.id}
        )
        row_without_kpi = self._row("NO-KPI")
        del row_without_kpi["kpi_code"]
        bad_rows = {
            "missing field kpi_code": row_without_kpi,
            "field value has the wrong type": self._row("TYPE", value="12"),
            "field employee_id has the wrong type": self._row("BOOL", employee_id=True),
            "unknown KPI code NOPE": self._row("KPI", kpi_code="NOPE"),
            "unknown or archived employee 999999": self._row("EMP", employee_id=999999),
            f"unknown or archived employee {archived.id}": self._row(
                "ARCH", employee_id=archived.id
            ),
            f"employee {stranger.id} belongs to another company": self._row(
                "CO", employee_id=stranger.id
            ),
            "the period ends before it starts": self._row(
                "DATES", period_end="2025-12-31"
            ),
            "period dates must be written YYYY-MM-DD": self._row(
                "FMT", period_start="01/01/2026"
            ),
            "value must be a finite number": self._row("NAN", value=float("nan")),
            "period_type must be month or quarter": self._row("PT", period_type="week"),
            "a row must be a mapping": "not a row",
        }
        rows = [self._row("GOOD-1"), *bad_rows.values(), self._row("GOOD-2")]
        result = self.Value.api_upsert(rows)
        self.assertEqual(result["created"], 2)
        reasons = [r["reason"] for r in result["rejected"]]
        self.assertEqual(len(reasons), len(bad_rows))
        for expected, reason in zip(bad_rows, reasons, strict=True):
            self.assertIn(expected, reason)
        self.assertEqual([r["row"] for r in result["rejected"]], list(range(1, 13)))
        self.assertTrue(self._stored("GOOD-1") and self._stored("GOOD-2"))
        self.assertFalse(self._stored("NAN"))

    def test_duplicate_key_in_batch_keeps_the_first(self):
        result = self.Value.api_upsert([self._row(value=1.0), self._row(value=2.0)])
        self.assertEqual(result["created"], 1)
        self.assertIn(
            "duplicate key in this batch (first at row 0)",
            result["rejected"][0]["reason"],
        )
        self.assertEqual(self._stored("EMMA-2026-01").value, 1.0)

    def test_oversized_batch_is_refused_whole(self):
        rows = [self._row(f"K{i}") for i in range(5001)]
        with self.assertRaisesRegex(UserError, "at most 5000 rows"):
            self.Value.api_upsert(rows)
        self.assertFalse(self._stored("K0"))

    def test_callers_outside_the_sync_group_get_an_access_error(self):
        for user in (self.user_officer, self.user_emma):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env["trainlink.kpi.value"].with_user(user).api_upsert(
                    [self._row()]
                )
        with self.assertRaises(AccessError):
            self.env["trainlink.sync.run"].with_user(self.user_emma).api_start("crm")

    def test_sync_user_writes_nothing_else(self):
        with self.assertRaises(AccessError):
            self.course.with_user(self.user_sync).name = "Renamed by the worker"
        with self.assertRaises(AccessError):
            self.emma.with_user(self.user_sync).read(["private_phone"])
        attendance = self._completed_attendance(self.emma)
        with self.assertRaises(AccessError):
            attendance.with_user(self.user_sync).exam_score = 10
        self.Value.api_upsert([self._row()])
        with self.assertRaises(AccessError):
            self._stored("EMMA-2026-01").with_user(self.user_sync).unlink()

    def test_run_log_counts_every_call_and_lists_rejections(self):
        Run = self.env["trainlink.sync.run"].with_user(self.user_sync)
        run_id = Run.api_start("crm")
        self.Value.api_upsert([self._row(), self._row("BAD", kpi_code="NOPE")], run_id)
        self.Value.api_upsert([self._row()], run_id)
        self.assertEqual(Run.api_finish(run_id), {"ok": True})
        run = Run.browse(run_id)
        self.assertEqual(run.state, "done")
        self.assertEqual(
            (
                run.read_count,
                run.created_count,
                run.unchanged_count,
                run.rejected_count,
            ),
            (3, 1, 1, 1),
        )
        self.assertIn("row 1 (BAD): unknown KPI code NOPE", run.rejection_log)
        failed_id = Run.api_start("erp")
        Run.api_finish(failed_id, "source unreachable")
        self.assertEqual(Run.browse(failed_id).state, "failed")
        self.assertEqual(Run.api_finish(999999)["ok"], False)

    def test_employees_see_own_values_managers_their_team(self):
        self.Value.api_upsert(
            [
                self._row("EMMA"),
                self._row("OTTO", employee_id=self.otto.id),
                self._row("ERIC", employee_id=self.eric.id),
            ]
        )
        values = self.env["trainlink.kpi.value"].search([("source", "=", "crm")])

        def seen(user):
            return set(
                values.with_user(user)
                .search([("id", "in", values.ids)])
                .mapped("external_key")
            )

        self.assertEqual(seen(self.user_emma), {"EMMA"})
        self.assertEqual(seen(self.user_otto), {"OTTO"})
        self.assertEqual(seen(self.user_eric), {"EMMA", "ERIC"})
        self.assertEqual(seen(self.user_officer), {"EMMA", "OTTO", "ERIC"})
        with self.assertRaises(AccessError):
            values[0].with_user(self.user_eric).value = 1

    def test_portal_type_sync_user_works_and_reads_no_directory(self):
        """The tightest technical user: a portal user with only the sync
        group. It upserts, yet cannot read the employee directory."""
        portal_sync = new_test_user(
            self.env,
            login="tl_portal_sync",
            groups=f"base.group_portal,{GROUP_SYNC}",
        )
        Value = self.env["trainlink.kpi.value"].with_user(portal_sync)
        self.assertEqual(Value.api_upsert([self._row("PORTAL")])["created"], 1)
        with self.assertRaises(AccessError):
            self.env["hr.employee.public"].with_user(portal_sync).search([])
        with self.assertRaises(AccessError):
            self.course.with_user(portal_sync).read(["name"])

    def test_compact_batch_of_columns_and_rows_is_accepted(self):
        columns = list(self._row())
        payload = {
            "columns": columns,
            "rows": [
                list(self._row("C-1").values()),
                list(self._row("C-2", value=5.0).values()),
                ["too", "short"],
            ],
        }
        result = self.Value.api_upsert(payload)
        self.assertEqual(result["created"], 2)
        self.assertEqual(self._stored("C-2").value, 5.0)
        self.assertEqual(result["rejected"][0]["row"], 2)
        self.assertEqual(self.Value.api_upsert(payload)["unchanged"], 2)

    def test_compact_batch_without_rows_is_refused(self):
        with self.assertRaisesRegex(UserError, "list of columns and a list of rows"):
            self.Value.api_upsert({"columns": ["source"], "rows": "nope"})

    def test_rows_the_worker_refused_join_the_run_log_at_finish(self):
        Run = self.env["trainlink.sync.run"].with_user(self.user_sync)
        run_id = Run.api_start("crm")
        self.Value.api_upsert([self._row("BAD", kpi_code="NOPE")], run_id)
        Run.api_finish(
            run_id,
            None,
            [
                {"record_id": "r7", "reason": "sales.csv line 8: bad date"},
                {"record_id": False, "reason": "no employee matches badge X"},
            ],
        )
        run = Run.browse(run_id)
        self.assertEqual(run.rejected_count, 3)
        self.assertIn("worker, r7: sales.csv line 8: bad date", run.rejection_log)
        self.assertIn("worker, -: no employee matches badge X", run.rejection_log)
        self.assertIn("row 0 (BAD): unknown KPI code NOPE", run.rejection_log)

    def test_a_contributions_run_tells_the_trainings_it_left_alone(self):
        """The count of trainings not measured again is kept on the run; a
        value that is no count (text, negative, a flag, too large) is taken
        as none and the run still closes."""
        Run = self.env["trainlink.sync.run"].with_user(self.user_sync)
        cases = {1980: 1980, 0: 0, "12": 0, -3: 0, True: 0, 2**40: 0, None: 0}
        for left_alone, kept in cases.items():
            with self.subTest(left_alone=left_alone):
                run_id = Run.api_start("contributions")
                self.assertEqual(
                    Run.api_finish(run_id, None, [], left_alone), {"ok": True}
                )
                run = Run.browse(run_id)
                self.assertEqual((run.state, run.left_alone_count), ("done", kept))

    def test_key_used_in_another_company_is_refused_not_overwritten(self):
        other = self.env["res.company"].create({"name": "TL Other Co"})
        stranger = self.env["hr.employee"].create(
            {"name": "Stranger", "company_id": other.id}
        )
        kpi = self.env["trainlink.kpi"].create(
            {"code": "TL_REV", "name": "Revenue", "company_id": other.id}
        )
        theirs = self.env["trainlink.kpi.value"].create(
            {
                "employee_id": stranger.id,
                "kpi_id": kpi.id,
                "company_id": other.id,
                "period_start": "2026-01-01",
                "period_end": "2026-01-31",
                "value": 7.0,
                "source": "crm",
                "external_key": "SHARED",
            }
        )
        result = self.Value.api_upsert([self._row("SHARED"), self._row("MINE")])
        self.assertEqual(result["created"], 1)
        self.assertEqual(
            result["rejected"],
            [
                {
                    "row": 0,
                    "external_key": "SHARED",
                    "reason": "this key is already used in another company",
                }
            ],
        )
        self.assertEqual(theirs.value, 7.0)
        self.assertEqual(theirs.employee_id, stranger)


@tagged("post_install", "-at_install")
class TestKpiValueTotals(TrainlinkCase):
    """Grouped lists, pivots and graphs total each KPI as it aggregates."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Value = cls.env["trainlink.kpi.value"]
        for employee, revenue, complaints in (
            (cls.emma, 100.0, 4.0),
            (cls.eric, 300.0, 2.0),
        ):
            for kpi, value in (
                (cls.kpi_revenue, revenue),
                (cls.kpi_complaints, complaints),
            ):
                Value.create(
                    {
                        "employee_id": employee.id,
                        "kpi_id": kpi.id,
                        "company_id": cls.company.id,
                        "period_start": "2026-01-01",
                        "period_end": "2026-01-31",
                        "value": value,
                        "source": "test",
                        "external_key": f"{kpi.code}/{employee.id}",
                    }
                )

    def test_a_rate_is_averaged_a_sum_is_summed_and_a_mix_is_left_blank(self):
        Value = self.env["trainlink.kpi.value"].with_user(self.user_officer)
        domain = [("source", "=", "test")]
        by_kpi = dict(Value._read_group(domain, ["kpi_id"], ["value:sum"]))
        self.assertEqual(by_kpi[self.kpi_revenue], 400.0, "revenue adds up")
        self.assertEqual(by_kpi[self.kpi_complaints], 3.0, "a rate is averaged")
        ((_month, mixed),) = Value._read_group(
            domain, ["period_start:month"], ["value:sum"]
        )
        self.assertIsNone(mixed, "revenue plus a rate means nothing")
        web = Value.web_read_group(domain, ["value:sum"], ["kpi_id"])
        totals = {group["kpi_id"][0]: group["value"] for group in web["groups"]}
        self.assertEqual(totals[self.kpi_complaints.id], 3.0)

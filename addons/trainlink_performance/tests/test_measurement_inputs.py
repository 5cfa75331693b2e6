from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import tagged

from .common_contribution import ContributionCase


@tagged("post_install", "-at_install")
class TestMeasurementInputs(ContributionCase):
    """api_comparison_groups tells the worker what a training's measurement
    rests on ("inputs": the monthly values of the trainee and the peers over
    the measured months; "measured_kpis": the KPIs already measured), so that
    it measures a training again only when one of them changed.

    Emma completed the negotiation course (revenue, complaint rate) on
    2026-03-03, with baselines of 3 months: her prior months run from June
    to November 2025, her baseline from December to February and her post
    window from April to June 2026. Her department's peers are Mia, Eric
    and Max Mentor."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Api = cls.env["trainlink.attendance"].with_user(cls.user_sync)
        cls.values = cls.env["trainlink.kpi.value"]
        for month in ("2025-06-01", "2026-01-01", "2026-05-01"):
            for employee in (cls.emma, cls.eric):
                cls.values |= cls._value(employee, month, 100.0)

    @classmethod
    def _value(cls, employee, month, figure, kpi=None, period_type="month"):
        start = fields.Date.to_date(month)
        months = 3 if period_type == "quarter" else 1
        return cls.env["trainlink.kpi.value"].create(
            {
                "employee_id": employee.id,
                "kpi_id": (kpi or cls.kpi_revenue).id,
                "company_id": employee.company_id.id,
                "period_type": period_type,
                "period_start": start,
                "period_end": start + relativedelta(months=months, days=-1),
                "value": figure,
                "source": "test",
                "external_key": f"{employee.id}-{month}-{period_type}-{figure}-"
                f"{(kpi or cls.kpi_revenue).code}",
            }
        )

    def _answer(self, attendance=None):
        (answer,) = self.Api.api_comparison_groups([(attendance or self.attendance).id])
        self.assertTrue(answer["ok"])
        return answer

    def _inputs(self):
        return self._answer()["inputs"]

    def _assert_each_change(self, changes, moves_inputs):
        """Make each change in turn ({name: function}) and check that it
        moves Emma's inputs, or leaves them as they were."""
        for name, change in changes.items():
            with self.subTest(name):
                before = self._inputs()
                change()
                if moves_inputs:
                    self.assertNotEqual(self._inputs(), before)
                else:
                    self.assertEqual(self._inputs(), before)

    def test_the_same_values_give_the_same_inputs(self):
        self.assertEqual(self._inputs(), self._inputs())
        self.assertTrue(self._inputs().startswith("6:"), "six values measured")

    def test_a_training_without_values_has_empty_inputs(self):
        self.values.unlink()
        self.assertEqual(self._inputs(), "0:0")

    def test_a_changed_figure_of_the_trainee_or_a_peer_changes_the_inputs(self):
        for value in self.values:
            with self.subTest(
                employee=value.employee_id.name, month=value.period_start
            ):
                before = self._inputs()
                value.value += 1
                self.assertNotEqual(self._inputs(), before)

    def test_a_value_added_deleted_or_moved_inside_the_months_changes_them(self):
        changes = {
            "a peer's value in the post window": lambda: self._value(
                self.mentor, "2026-06-01", 90.0
            ),
            "the first prior month of the trainee": lambda: self._value(
                self.emma, "2025-06-01", 80.0
            ),
            "the complaint rate, a KPI of the course": lambda: self._value(
                self.mia, "2026-02-01", 3.0, kpi=self.kpi_complaints
            ),
            "a value deleted": lambda: self.values[0].unlink(),
            "a value moved to another month": lambda: self.values[1].write(
                {"period_start": "2025-08-01", "period_end": "2025-08-31"}
            ),
            "a value moved to another peer": lambda: self.values[2].write(
                {"employee_id": self.mia.id}
            ),
        }
        self._assert_each_change(changes, moves_inputs=True)

    def test_values_the_measurement_does_not_read_leave_the_inputs_alone(self):
        stranger = self.env["hr.employee"].create(
            {"name": "TL Stranger", "department_id": self.other_department.id}
        )
        other_kpi = self.env["trainlink.kpi"].create(
            {"code": "TL_OTHER", "name": "Other", "direction": "higher"}
        )
        changes = {
            "before the first prior month": lambda: self._value(
                self.emma, "2025-05-01", 70.0
            ),
            "after the post window": lambda: self._value(self.eric, "2026-07-01", 70.0),
            "a KPI the course is not aimed at": lambda: self._value(
                self.emma, "2026-01-01", 70.0, kpi=other_kpi
            ),
            "someone outside the groups": lambda: self._value(
                stranger, "2026-01-01", 70.0
            ),
            "a quarterly value": lambda: self._value(
                self.emma, "2026-01-01", 70.0, period_type="quarter"
            ),
        }
        self._assert_each_change(changes, moves_inputs=False)

    def test_another_companys_values_are_not_read(self):
        """The sync user of one company sees only its values; a value of
        another company for the same people (as a multi-company employee
        record could hold) is not part of the inputs."""
        other = self.env["res.company"].create({"name": "TL Other Co"})
        before = self._inputs()
        self.env["trainlink.kpi.value"].create(
            {
                "employee_id": self.eric.id,
                "kpi_id": self.kpi_revenue.id,
                "company_id": other.id,
                "period_start": "2026-01-01",
                "period_end": "2026-01-31",
                "value": 55.0,
                "source": "test",
                "external_key": "other-company",
            }
        )
        self.assertEqual(self._inputs(), before)

    def test_a_peer_joining_the_group_changes_the_groups_answered(self):
        """Membership is part of the answer itself: a new peer with values
        changes both the groups and the inputs."""
        before = self._answer()
        newcomer = self.env["hr.employee"].create(
            {"name": "TL Newcomer", "department_id": self.department.id}
        )
        self._value(newcomer, "2026-01-01", 100.0)
        after = self._answer()
        self.assertNotEqual(after["groups"], before["groups"])
        self.assertNotEqual(after["groups_digest"], before["groups_digest"])
        self.assertNotEqual(after["inputs"], before["inputs"])

    def test_the_compact_answer_tells_the_groups_digest_without_the_members(self):
        """With trainlink_compact in the context the groups are left out:
        the rest is the full answer's, and the digest follows the groups."""
        full = self._answer()
        (compact,) = self.Api.with_context(
            trainlink_compact=True
        ).api_comparison_groups([self.attendance.id])
        self.assertNotIn("groups", compact)
        self.assertEqual(compact, {k: v for k, v in full.items() if k != "groups"})
        self.assertEqual(
            [(g["basis"], len(g["employee_ids"])) for g in full["groups"]],
            [("department", 3)],
        )
        self.mentor.department_id = self.other_department
        (moved,) = self.Api.with_context(trainlink_compact=True).api_comparison_groups(
            [self.attendance.id]
        )
        self.assertNotEqual(moved["groups_digest"], compact["groups_digest"])

    def test_measured_kpis_follow_the_contributions_of_the_training(self):
        self.assertEqual(self._answer()["measured_kpis"], [])
        revenue = self._contribution()
        self.assertEqual(self._answer()["measured_kpis"], ["TL_REV"])
        self._contribution(kpi=self.kpi_complaints)
        self.assertEqual(self._answer()["measured_kpis"], ["TL_COMPLAINTS", "TL_REV"])
        revenue.unlink()
        self.assertEqual(self._answer()["measured_kpis"], ["TL_COMPLAINTS"])

    def test_inputs_are_answered_per_training(self):
        """Trainings in one batch get the inputs of their own months and
        people, as each asked alone: Otto and Pat, trained together in the
        plant, share their peers but not their own values."""
        pat = self.env["hr.employee"].create(
            {"name": "TL Pat", "department_id": self.other_department.id}
        )
        session = self.attendance.session_id
        otto_training = self._completed_attendance(self.otto, session=session)
        pat_training = self._completed_attendance(pat, session=session)
        self._value(self.otto, "2026-01-01", 100.0)
        self._value(pat, "2026-01-01", 100.0)
        self._value(pat, "2026-02-01", 100.0)
        trainings = [self.attendance, otto_training, pat_training]
        batch = self.Api.api_comparison_groups([t.id for t in trainings])
        self.assertEqual(
            [answer["inputs"] for answer in batch],
            [self._answer(training)["inputs"] for training in trainings],
        )
        self.assertEqual(batch[1]["groups"], batch[2]["groups"])
        self.assertEqual(len(set(answer["inputs"] for answer in batch)), 3)

from datetime import date

from dateutil.relativedelta import relativedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import TrainlinkCase

Q1 = date(2026, 1, 1)
LAST_Q4 = date(2025, 10, 1)


@tagged("post_install", "-at_install")
class TestNeedFromData(TrainlinkCase):
    """Agreed first-quarter targets: the sales department's revenue (300, a
    sum) and complaint rate (5 %, lower is better, met), the plant's
    complaint rate (2 %, missed); January and February values of Emma, Eric
    (sales) and Otto (plant), and an older quarter that no longer counts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Need = cls.env["trainlink.need"]
        cls.t_sales_revenue = cls._target(cls.kpi_revenue, cls.department, 300.0)
        cls._target(cls.kpi_revenue, cls.department, 50.0, start=LAST_Q4)
        cls._target(cls.kpi_complaints, cls.department, 5.0)
        cls.t_plant_complaints = cls._target(
            cls.kpi_complaints, cls.other_department, 2.0
        )
        cls._value(cls.emma, cls.kpi_revenue, 100.0, 1)
        cls._value(cls.eric, cls.kpi_revenue, 80.0, 2)
        cls._value(cls.otto, cls.kpi_revenue, 500.0, 1)
        cls._value(cls.emma, cls.kpi_revenue, 999.0, 1, year=2025, month_offset=9)
        cls._value(cls.emma, cls.kpi_complaints, 3.0, 1)
        cls._value(cls.emma, cls.kpi_complaints, 5.0, 2)
        cls._value(cls.eric, cls.kpi_complaints, 1.0, 1)
        cls._value(cls.otto, cls.kpi_complaints, 4.0, 1)

    @classmethod
    def _target(cls, kpi, department=None, value=0.0, start=Q1, employee=None):
        return cls.env["trainlink.kpi.target"].create(
            {
                "kpi_id": kpi.id,
                "level": "employee" if employee else "department",
                "employee_id": employee and employee.id,
                "department_id": department and department.id,
                "period_type": "quarter",
                "period_start": start,
                "target_value": value,
                "state": "agreed",
            }
        )

    @classmethod
    def _value(cls, employee, kpi, value, month, year=2026, month_offset=0):
        start = date(year, month + month_offset, 1)
        return cls.env["trainlink.kpi.value"].create(
            {
                "employee_id": employee.id,
                "kpi_id": kpi.id,
                "company_id": employee.company_id.id,
                "department_id": employee.department_id.id,
                "period_start": start,
                "period_end": start + relativedelta(months=1, days=-1),
                "value": value,
                "source": "test",
                "external_key": f"{employee.name}-{kpi.code}-{start}",
            }
        )

    def _need(self, **values):
        return self.Need.create({"name": "Closing", **values})

    def _proposed(self):
        return self.Need.search(
            [("source", "=", "department_kpi"), ("data_origin", "!=", False)]
        )

    # ------------------------------------------------- fill from data --

    def test_fill_sum_kpi_from_department_target_of_latest_period(self):
        need = self._need(kpi_id=self.kpi_revenue.id, department_id=self.department.id)
        need.action_fill_from_data()
        # Emma's 100 and Eric's 80 in the first quarter; not Otto's plant, nor
        # the older quarter's 999.
        self.assertEqual(need.current_value, 180.0)
        self.assertEqual(need.target_value, 300.0)
        self.assertEqual(need.gap, 120.0)
        self.assertIn("2026-01-01", need.data_origin)
        self.assertIn("2026-03-31", need.data_origin)
        self.assertTrue(need.data_origin.startswith("2 "))

    def test_fill_rate_kpi_from_employee_targets_lower_is_better(self):
        self._target(self.kpi_complaints, value=2.0, employee=self.emma)
        self._target(self.kpi_complaints, value=3.0, employee=self.eric)
        need = self._need(
            kpi_id=self.kpi_complaints.id,
            employee_ids=[(6, 0, (self.emma | self.eric).ids)],
        )
        need.action_fill_from_data()
        # A rate averages the values (3, 5, 1) and the two targets (2, 3).
        self.assertEqual(need.current_value, 3.0)
        self.assertEqual(need.target_value, 2.5)
        # Lower is better: 0.5 points above the target is a gap.
        self.assertEqual(need.gap, 0.5)
        self.assertTrue(need.data_origin.startswith("3 "))

    def test_fill_without_target_names_what_is_missing(self):
        need = self._need(kpi_id=self.kpi_revenue.id, employee_ids=[(4, self.otto.id)])
        with self.assertRaisesRegex(
            UserError, r"no agreed \[TL_REV\] Revenue target for Otto"
        ):
            need.action_fill_from_data()
        self.assertEqual(need.current_value, 0.0)
        self.assertFalse(need.data_origin)

    def test_fill_without_values_names_the_period(self):
        kpi = self.env["trainlink.kpi"].create({"code": "TL_NPS", "name": "NPS"})
        self._target(kpi, self.department, 40.0)
        need = self._need(kpi_id=kpi.id, department_id=self.department.id)
        with self.assertRaisesRegex(
            UserError, r"no \[TL_NPS\] NPS value for TL Sales from 2026-01-01"
        ):
            need.action_fill_from_data()
        self.assertEqual((need.current_value, need.target_value), (0.0, 0.0))

    def test_onchange_fills_empty_values_only(self):
        form = Form(self.Need)
        form.name = "Closing"
        form.kpi_id = self.kpi_revenue
        form.department_id = self.department
        self.assertEqual((form.current_value, form.target_value), (180.0, 300.0))
        need = form.save()
        self.assertTrue(need.data_origin)
        form = Form(self.Need)
        form.name = "Typed by hand"
        form.kpi_id = self.kpi_revenue
        form.current_value = 7.0
        form.department_id = self.department
        self.assertEqual((form.current_value, form.target_value), (7.0, 0.0))

    def test_employee_cannot_fill_from_data(self):
        need = self._need(kpi_id=self.kpi_revenue.id, employee_ids=[(4, self.emma.id)])
        with self.assertRaises(AccessError):
            need.with_user(self.user_emma).action_fill_from_data()
        self.assertEqual(need.current_value, 0.0)

    # --------------------------------------------- propose from gaps --

    def test_officer_proposes_a_need_per_missed_department_target(self):
        self.Need.with_user(self.user_officer).action_propose_from_kpi_gaps()
        needs = self._proposed()
        # Sales revenue (180 < 300) and plant complaints (4 % > 2 %) are
        # missed; sales complaints (3 % <= 5 %) are not.
        self.assertEqual(
            {(n.department_id, n.kpi_id) for n in needs},
            {
                (self.department, self.kpi_revenue),
                (self.other_department, self.kpi_complaints),
            },
        )
        self.assertEqual(set(needs.mapped("state")), {"new"})
        plant = needs.filtered(lambda n: n.department_id == self.other_department)
        self.assertEqual((plant.current_value, plant.target_value), (4.0, 2.0))
        self.assertEqual(plant.gap, 2.0)
        sales = needs - plant
        self.assertEqual((sales.current_value, sales.target_value), (180.0, 300.0))

    def test_proposing_again_never_duplicates_an_open_need(self):
        Need = self.Need.with_user(self.user_officer)
        Need.action_propose_from_kpi_gaps()
        first = self._proposed()
        action = Need.action_propose_from_kpi_gaps()
        self.assertEqual(self._proposed(), first)
        self.assertEqual(action["domain"], [("id", "in", [])])

    def test_open_need_typed_by_hand_is_not_duplicated(self):
        self._need(kpi_id=self.kpi_revenue.id, department_id=self.department.id)
        self.Need.with_user(self.user_officer).action_propose_from_kpi_gaps()
        self.assertEqual(self._proposed().department_id, self.other_department)

    def test_manager_proposes_for_their_departments_only(self):
        self.Need.with_user(self.user_mia).action_propose_from_kpi_gaps()
        needs = self._proposed()
        self.assertEqual(needs.department_id, self.department)
        self.assertEqual(needs.kpi_id, self.kpi_revenue)

    def test_employee_cannot_propose(self):
        with self.assertRaises(AccessError):
            self.Need.with_user(self.user_emma).action_propose_from_kpi_gaps()
        self.assertFalse(self._proposed())

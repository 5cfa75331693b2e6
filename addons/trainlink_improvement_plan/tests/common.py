from datetime import date

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import new_test_user

from odoo.addons.trainlink_performance.tests.common_contribution import (
    GROUP_SYNC,
    ContributionCase,
)

# A 1x1 PNG: a drawn signature, as far as the server can tell.
TINY_PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kg"
    "AAAABJRU5ErkJggg=="
)


class ImprovementCase(ContributionCase):
    """Emma (reports to Eric, who reports to Mia) and her improvement plans.
    Pia is Emma's peer in the same department, Otto works elsewhere, Max is a
    mentor, Hanna an HR officer, the sync user runs the worker."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Plan = cls.env["trainlink.improvement.plan"]
        cls.user_pia = cls._user(
            "tl_pia", "trainlink_performance.group_trainlink_manager"
        )
        cls.pia = cls.env["hr.employee"].create(
            {
                "name": "Pia",
                "user_id": cls.user_pia.id,
                "parent_id": cls.eric.id,
                "department_id": cls.department.id,
            }
        )
        cls.user_hanna = cls._user("tl_hanna", "hr.group_hr_user")
        cls.hanna = cls.env["hr.employee"].create(
            {"name": "Hanna HR", "user_id": cls.user_hanna.id, "parent_id": cls.mia.id}
        )
        cls.user_it = new_test_user(
            cls.env, login="tl_it", groups="base.group_user", name="Ivan IT"
        )
        cls.today = fields.Date.context_today(cls.Plan)

    @classmethod
    def _new_plan(cls, employee=None, **values):
        """A plan of 90 days from today, opened by HR for Emma."""
        return cls.Plan.with_user(cls.user_hanna).create(
            {
                "name": "Bring revenue back on target",
                "employee_id": (employee or cls.emma).id,
                "date_start": cls.today,
                "date_end": cls.today + relativedelta(days=90),
                **values,
            }
        )

    @classmethod
    def _goal_values(cls, plan, **values):
        return {
            "plan_id": plan.id,
            "criterion": "Customer visits per week",
            "unit": "visits",
            "baseline": 4.0,
            "target": 8.0,
            "deadline": plan.date_end,
            **values,
        }

    @classmethod
    def _complete_to(cls, plan, stage, user=None):
        """Give the plan the content of each stage up to `stage` and move it
        there, as Eric (Emma's manager) would."""
        user = user or cls.user_eric
        env_plan = plan.with_user(user)
        env = env_plan.env
        order = ["problem", "cause", "action", "resource", "review"]
        while order.index(plan.stage) < order.index(stage):
            current = plan.stage
            if current == "problem":
                env_plan.problem = plan.problem or "Revenue 64 % of target in Q1"
                if not plan.goal_ids:
                    env["trainlink.improvement.goal"].create(cls._goal_values(plan))
            elif current == "cause" and not plan.cause_ids:
                env["trainlink.improvement.cause"].create(
                    {
                        "plan_id": plan.id,
                        "category": "method",
                        "why": "Follow-up calls are not planned",
                        "what": "Quotes go cold",
                        "where": "Key accounts",
                        "when": "After the first visit",
                        "who": "Emma",
                        "how": "No call list",
                        "how_much": "About 30 % of quotes",
                    }
                )
            elif current == "action" and not plan.action_ids:
                env["trainlink.improvement.action"].create(
                    {
                        "plan_id": plan.id,
                        "name": "Weekly call list with the manager",
                        "owner_type": "employee",
                        "date_start": plan.date_start,
                        "date_end": plan.date_end,
                        "standard": "Every quote followed up within 3 days",
                    }
                )
            elif current == "resource" and not plan.resource_ids:
                env["trainlink.improvement.resource"].create(
                    {
                        "plan_id": plan.id,
                        "name": "CRM licence",
                        "provider_type": "it",
                        "provider_user_id": cls.user_it.id,
                        "due_date": plan.date_start,
                    }
                )
                env_plan.review_date = plan.date_start
            env_plan.action_next_stage()
        return plan

    @classmethod
    def _sign_both(cls, plan):
        cls._sign(plan, "employee", cls.user_emma)
        cls._sign(plan, "manager", cls.user_eric)
        return plan

    @classmethod
    def _sign(cls, plan, role, user, name=None):
        wizard = (
            cls.env["trainlink.improvement.plan.sign"]
            .with_user(user)
            .create(
                {
                    "plan_id": plan.id,
                    "role": role,
                    "signer_name": name or user.name,
                    "signature": TINY_PNG,
                }
            )
        )
        return wizard.action_sign()

    def _kpi_month(self, employee, kpi, month_start, value, key=None):
        """One monthly KPI value, as the sync worker writes it."""
        month_start = fields.Date.to_date(month_start)
        return self.env["trainlink.kpi.value"].create(
            {
                "employee_id": employee.id,
                "kpi_id": kpi.id,
                "company_id": self.company.id,
                "period_type": "month",
                "period_start": month_start,
                "period_end": month_start + relativedelta(day=31),
                "value": value,
                "source": "test",
                "external_key": key or f"{employee.id}-{kpi.id}-{month_start}",
            }
        )


def first_of_month(day, months=0):
    return date(day.year, day.month, 1) + relativedelta(months=months)


__all__ = ["GROUP_SYNC", "ImprovementCase", "first_of_month"]

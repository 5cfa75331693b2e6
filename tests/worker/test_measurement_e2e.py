"""A synthetic panel with no course effect and ordinary noise, through the
worker into a real Odoo 18: the ERP judges almost nobody and raises no
improvement plan. (Skipped without Odoo, like the other end-to-end tests.)"""

from datetime import date

import pandas as pd
import pytest
from synthetic import Panel
from test_runner import e2e_settings, months_back, run_real, write_csv

PEOPLE, TRAINEES = 60, 30


@pytest.mark.odoo
def test_e2e_no_effect_panel_gets_almost_no_verdict_and_no_plan(odoo_server, tmp_path):
    admin = odoo_server.admin()
    completion = pd.Period(months_back(date.today(), 4), freq="M")
    panel = Panel(11, completion=completion, people=PEOPLE, trainees=TRAINEES)
    kpi = admin.call(
        "trainlink.kpi",
        "create",
        {"code": "SYN_REV", "name": "Synthetic revenue", "aggregation": "sum"},
    )
    department = admin.call("hr.department", "create", {"name": "Synthetic Sales"})
    badges = [f"SYN{index:03d}" for index in range(1, PEOPLE + 1)]
    employees = admin.call(
        "hr.employee",
        "create",
        [
            {"name": badge, "barcode": badge, "department_id": department}
            for badge in badges
        ],
    )
    course = admin.call(
        "trainlink.course",
        "create",
        {
            "name": "Synthetic Selling",
            "baseline_window_months": 3,
            "kpi_window_months": 3,
            "module_ids": [
                (0, 0, {"name": "All", "kpi_line_ids": [(0, 0, {"kpi_id": kpi})]})
            ],
        },
    )
    day = panel.completion_date().isoformat()
    session = admin.call(
        "trainlink.session",
        "create",
        {"course_id": course, "date_start": day, "date_end": day},
    )
    attendances = admin.call(
        "trainlink.attendance",
        "create",
        [
            {"session_id": session, "employee_id": employees[number - 1]}
            for number in panel.trainee_ids
        ],
    )
    admin.call("trainlink.attendance", "action_mark_present", attendances)
    admin.call("trainlink.attendance", "action_complete", attendances)
    frame = panel.frame()
    csv_path = tmp_path / "synthetic.csv"
    write_csv(
        csv_path,
        [
            (
                f"s{index}",
                badges[row.employee_id - 1],
                row.period_start.replace(day=15),
                round(row.value, 2),
                "SYN_REV",
            )
            for index, row in enumerate(frame.itertuples(index=False))
        ],
    )
    settings = e2e_settings(
        odoo_server,
        tmp_path,
        csv_path,
        "synthetic",
        start=panel.months[0].start_time.date(),
    )

    report = run_real(settings)

    assert report.exit_code() == 0, report
    rated = admin.call(
        "trainlink.contribution",
        "search_read",
        [("attendance_id", "in", attendances)],
        ["rating", "pip_due", "peer_count", "comparison_basis", "net_lift_low"],
    )
    assert len(rated) == TRAINEES
    assert {row["peer_count"] for row in rated} == {PEOPLE - TRAINEES}
    verdicts = [row for row in rated if row["rating"] in ("excellent", "insufficient")]
    assert len(verdicts) <= 0.05 * TRAINEES, verdicts
    assert not [row for row in rated if row["pip_due"]]
    assert {row["rating"] for row in rated} <= {
        "inconclusive",
        "fair",
        "good",
        "excellent",
        "insufficient",
    }

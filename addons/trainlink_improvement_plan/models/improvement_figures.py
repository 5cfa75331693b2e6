"""KPI figures of an improvement plan: one employee, one KPI, one window.

Values are combined the way a KPI target combines them (the KPI's period
aggregation), so that a goal and a target of the same window agree.
"""

from datetime import timedelta

from odoo.tools.misc import formatLang


def kpi_figure(env, employee, kpi, start, end):
    """(value, coverage, count) of the employee's KPI values whose period lies
    inside [start, end]: their combination by the KPI's aggregation (sum adds,
    last takes the latest, mean and rate average), the share of the window's
    days their periods cover (0 to 1) and how many there are. (0.0, 0.0, 0)
    without data. Read as superuser: who may see the result is decided by the
    record that shows it."""
    if not (employee and kpi and start and end) or end < start:
        return 0.0, 0.0, 0
    values = (
        env["trainlink.kpi.value"]
        .sudo()
        .search(
            [
                ("employee_id", "=", employee.id),
                ("kpi_id", "=", kpi.id),
                ("period_start", ">=", start),
                ("period_end", "<=", end),
            ],
            order="period_end, period_start, id",
        )
    )
    if not values:
        return 0.0, 0.0, 0
    value = combine(kpi, values)
    covered = set()
    for period in {(v.period_start, v.period_end) for v in values}:
        covered.update(
            period[0] + timedelta(days=n)
            for n in range((period[1] - period[0]).days + 1)
        )
    coverage = len(covered) / ((end - start).days + 1)
    return value, coverage, len(values)


def combine(kpi, values):
    """One figure of KPI values (records or a list of them, in period order):
    sum adds, last takes the latest, mean and rate average."""
    figures = [v.value for v in values]
    if kpi.aggregation == "sum":
        return sum(figures)
    if kpi.aggregation == "last":
        return figures[-1]
    return sum(figures) / len(figures)


def is_better(direction, value, reference):
    """Whether value is strictly better than reference for the direction."""
    return value < reference if direction == "lower" else value > reference


def reaches(direction, value, target):
    """Whether value meets the target for the direction."""
    return value <= target if direction == "lower" else value >= target


def period_label(start, end):
    """'Q1 2026' for a calendar quarter, '2026-03' for a month, else the dates."""
    if start.day == 1 and (end + timedelta(days=1)).day == 1:
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        if months == 1:
            return start.strftime("%Y-%m")
        if months == 3 and start.month % 3 == 1:
            return f"Q{(start.month - 1) // 3 + 1} {start.year}"
        if months == 12 and start.month == 1:
            return str(start.year)
    return f"{start} - {end}"


def format_figure(env, value, unit=""):
    """A KPI figure as people read it: thousands separated, decimals only for
    small numbers, the unit after it."""
    digits = 0 if abs(value) >= 1000 else 1 if abs(value) >= 1 else 2
    text = formatLang(env, value, digits=digits)
    if not unit:
        return text
    return f"{text} {unit}" if unit != "%" else f"{text} %"

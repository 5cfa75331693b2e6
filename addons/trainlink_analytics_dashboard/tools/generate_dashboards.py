"""Writes the add-on's two spreadsheet files, data/files/*_dashboard.json.

Odoo 18 Community has no spreadsheet editor: the dashboard (its cells,
formulas, pivots, list, charts and filters, in o-spreadsheet's JSON) and its
sample (the same layout with made-up values, shown while the program has no
figure) are built here, so that a change is made once, in Python, for both.
Not loaded by Odoo. After a change:

    python3 tools/generate_dashboards.py data/files

then regenerate the translation template (scripts/update_pot.sh) and the
add-on's tests check every field, measure and formula against the models.
"""

import copy
import json
import re
import sys
import uuid

NS = uuid.UUID("6f1c1d0e-3b7a-4b0e-9a51-7d1f0c2e8a10")


def uid(name):
    return str(uuid.uuid5(NS, name))


YEAR = uid("filter-year")
COMPANY = uid("filter-company")


def matching(date=True):
    fm = {}
    if date:
        fm[YEAR] = {"chain": "date", "type": "date", "offset": 0}
    fm[COMPANY] = {"chain": "company_id", "type": "many2one"}
    return fm


INDICATORS = [
    ("needs_matched", "Needs Matched by Courses (%)"),
    ("job_coverage", "Job-Specific Course Coverage (%)"),
    ("participation", "Participation (%)"),
    ("pass_rate", "Skill Pass Rate (%)"),
    ("application_rate", "Application Rate (%)"),
    ("kpi_lift", "Post-Training KPI Lift (%)"),
    ("roi", "ROI (x)"),
]

COLS = [280, 120, 120, 120, 120, 120, 120]
rows = {}
DEFAULT_H = 23


def set_row(idx, size):
    rows[idx] = size


# layout (0-based rows)
TITLE_TARGETS = 6
HEAD_TARGETS = 7
FIRST_IND = 8  # rows 8..14
CHART_TITLES = 16
CHART_ROW = 17  # 15 rows of 23
TITLE_COURSES = 33
HEAD_COURSES = 34
FIRST_COURSE = 35  # 10 rows
TITLE_YEARS = 46
YEARS_ROW = 47
N_COURSES = 10
ROW_NUMBER = 65

for r in (TITLE_TARGETS, CHART_TITLES, TITLE_COURSES, TITLE_YEARS):
    set_row(r, 40)
for r in [
    HEAD_TARGETS,
    HEAD_COURSES,
    *range(FIRST_IND, FIRST_IND + 7),
    *range(FIRST_COURSE, FIRST_COURSE + N_COURSES),
]:
    set_row(r, 30)


def y_of(row):
    return sum(rows.get(r, DEFAULT_H) for r in range(row))


def x_of(col):
    return sum(COLS[:col])


def a1(col, row):
    return f"{'ABCDEFG'[col]}{row + 1}"


cells = {}


def put(col, row, content):
    cells[a1(col, row)] = {"content": content}


def t(text):
    return f'=_t("{text}")'


def link(text, model, view_type, context, domain=None):
    action = {
        "viewType": view_type,
        "action": {
            "domain": domain or [],
            "context": context,
            "modelName": model,
            "views": [
                [False, "pivot"],
                [False, "graph"],
                [False, "list"],
                [False, "search"],
            ]
            if view_type == "pivot"
            else [
                [False, "list"],
                [False, "pivot"],
                [False, "graph"],
                [False, "search"],
            ],
        },
        "threshold": 0,
        "name": text,
    }
    return f"[{text}](odoo://view/{json.dumps(action, separators=(',', ':'))})"


SHEET = "Program Overview"
QS = f"'{SHEET}'"

# --- Program targets table -------------------------------------------------
put(
    0,
    TITLE_TARGETS,
    link(
        "Program Targets",
        "trainlink.program.indicator",
        "pivot",
        {
            "group_by": [],
            "pivot_measures": ["value", "goal", "previous_value", "trend"],
            "pivot_row_groupby": ["indicator"],
            "pivot_column_groupby": ["date:year"],
        },
    ),
)
for col, head in enumerate(
    ["Indicator", "Value", "Goal", "Last Year", "Trend", "Status", "Sample Size"]
):
    put(col, HEAD_TARGETS, t(head))
for i, (code, label) in enumerate(INDICATORS):
    row = FIRST_IND + i
    put(0, row, t(label))
    for col, measure in (
        (1, "value"),
        (2, "goal"),
        (3, "previous_value"),
        (4, "trend"),
        (6, "sample_size"),
    ):
        put(col, row, f'=PIVOT.VALUE(1,"{measure}","indicator","{code}")')
    put(5, row, f'=PIVOT.HEADER(2,"indicator","{code}","#status",1)')
LAST_IND = FIRST_IND + 6
ROI_ROW = LAST_IND

# --- Chart titles --------------------------------------------------------------
put(0, CHART_TITLES, t("Value against Goal"))
put(
    3,
    CHART_TITLES,
    link(
        "Participation by Department",
        "trainlink.department.report",
        "pivot",
        {
            "group_by": [],
            "pivot_measures": ["headcount", "participant_count", "participation_rate"],
            "pivot_row_groupby": ["department_id"],
            "pivot_column_groupby": ["date:year"],
        },
    ),
)

# --- Top courses list ----------------------------------------------------------
put(
    0,
    TITLE_COURSES,
    link(
        "Top Courses by Net KPI Lift",
        "trainlink.course.effect",
        "list",
        {"group_by": []},
        [["thin_data", "=", False]],
    ),
)
course_cols = [
    ("Course", "course_id"),
    ("KPI", "kpi_id"),
    ("Trainees", "trainee_count"),
    ("Net Lift (%)", "mean_net_lift"),
    ("Interval Low", "ci_low"),
    ("Interval High", "ci_high"),
    ("ROI (x)", "roi"),
]
for col, (head, field) in enumerate(course_cols):
    put(col, HEAD_COURSES, t(head))
    for n in range(N_COURSES):
        put(col, FIRST_COURSE + n, f'=ODOO.LIST(1,{n + 1},"{field}")')
LAST_COURSE = FIRST_COURSE + N_COURSES - 1

put(
    0,
    TITLE_YEARS,
    link(
        "Targets over the Years",
        "trainlink.program.indicator",
        "pivot",
        {
            "group_by": [],
            "pivot_measures": ["value"],
            "pivot_row_groupby": ["date:year"],
            "pivot_column_groupby": ["indicator"],
        },
    ),
)

# --- Styles, formats, borders ------------------------------------------------
styles = {
    "1": {"textColor": "#01666b", "bold": True, "fontSize": 16},
    "2": {"textColor": "#434343", "fontSize": 11, "bold": True},
    "3": {"textColor": "#01666B", "verticalAlign": "middle"},
    "4": {"textColor": "#434343", "verticalAlign": "middle"},
    "5": {"textColor": "#434343", "fontSize": 11, "bold": True, "align": "center"},
    "6": {"textColor": "#434343", "verticalAlign": "middle", "align": "center"},
}


def r(col1, row1, col2, row2):
    return f"{a1(col1, row1)}:{a1(col2, row2)}"


sheet_styles = {}
for row in (TITLE_TARGETS, CHART_TITLES, TITLE_COURSES, TITLE_YEARS):
    sheet_styles[a1(0, row)] = 1
sheet_styles[a1(3, CHART_TITLES)] = 1
sheet_styles[a1(0, HEAD_TARGETS)] = 2
sheet_styles[r(0, HEAD_COURSES, 1, HEAD_COURSES)] = 2
sheet_styles[r(1, HEAD_TARGETS, 6, HEAD_TARGETS)] = 5
sheet_styles[r(2, HEAD_COURSES, 6, HEAD_COURSES)] = 5
sheet_styles[r(0, FIRST_IND, 0, LAST_IND)] = 3
sheet_styles[r(1, FIRST_IND, 4, LAST_IND)] = 4
sheet_styles[r(5, FIRST_IND, 5, LAST_IND)] = 6
sheet_styles[r(6, FIRST_IND, 6, LAST_IND)] = 4
sheet_styles[r(0, FIRST_COURSE, 0, LAST_COURSE)] = 3
sheet_styles[r(1, FIRST_COURSE, 6, LAST_COURSE)] = 4

formats = {
    "1": "0.0",
    "2": "0.00",
    "3": "+0.0;-0.0;0.0",
    "4": "+0.00;-0.00;0.00",
    "5": "0",
}
sheet_formats = {
    r(1, FIRST_IND, 3, LAST_IND - 1): 1,
    r(1, ROI_ROW, 3, ROI_ROW): 2,
    r(4, FIRST_IND, 4, LAST_IND - 1): 3,
    a1(4, ROI_ROW): 4,
    r(6, FIRST_IND, 6, LAST_IND): 5,
    r(2, FIRST_COURSE, 2, LAST_COURSE): 5,
    r(3, FIRST_COURSE, 5, LAST_COURSE): 1,
    r(6, FIRST_COURSE, 6, LAST_COURSE): 2,
}
borders = {
    "1": {"bottom": {"style": "thin", "color": "#B7B7B7"}},
    "2": {"top": {"style": "thin", "color": "#B7B7B7"}},
}
sheet_borders = {}
for row in (TITLE_TARGETS, TITLE_COURSES, TITLE_YEARS):
    sheet_borders[r(0, row, 6, row)] = 1
sheet_borders[r(0, CHART_TITLES, 2, CHART_TITLES)] = 1
sheet_borders[r(3, CHART_TITLES, 6, CHART_TITLES)] = 1
sheet_borders[r(0, HEAD_TARGETS, 6, HEAD_TARGETS)] = 2
sheet_borders[r(0, HEAD_COURSES, 6, HEAD_COURSES)] = 2

GREEN, RED, GREY = "#00A04A", "#DC6965", "#8F8F8F"
trend_range = r(4, FIRST_IND, 4, LAST_IND)
status_range = r(5, FIRST_IND, 5, LAST_IND)


def cf(name, rng, operator, value, color, bold=False):
    style = {"textColor": color}
    if bold:
        style["bold"] = True
    return {
        "rule": {
            "type": "CellIsRule",
            "operator": operator,
            "values": [value],
            "style": style,
        },
        "id": uid("cf-" + name),
        "ranges": [rng],
    }


conditional_formats = [
    cf("trend-up", trend_range, "GreaterThan", "0", GREEN),
    cf("trend-down", trend_range, "LessThan", "0", RED),
    cf(
        "status-met",
        status_range,
        "Equal",
        '=PIVOT.HEADER(3,"status","met")',
        GREEN,
        True,
    ),
    cf(
        "status-missed",
        status_range,
        "Equal",
        '=PIVOT.HEADER(3,"status","missed")',
        RED,
        True,
    ),
    cf(
        "status-few", status_range, "Equal", '=PIVOT.HEADER(3,"status","too_few")', GREY
    ),
    {
        "rule": {
            "type": "DataBarRule",
            "color": 15531509,
            "rangeValues": r(3, FIRST_COURSE, 3, LAST_COURSE),
        },
        "id": uid("cf-lift-bar"),
        "ranges": [r(0, FIRST_COURSE, 0, LAST_COURSE)],
    },
]

# --- Figures -----------------------------------------------------------------
figures = []
scorecards = [
    ("needs_matched", "Needs Matched (%)"),
    ("participation", "Participation (%)"),
    ("pass_rate", "Skill Pass Rate (%)"),
    ("application_rate", "Application Rate (%)"),
    ("kpi_lift", "KPI Lift (%)"),
    ("roi", "ROI (x)"),
]
codes = [c for c, _l in INDICATORS]
for n, (code, title) in enumerate(scorecards):
    row = FIRST_IND + codes.index(code)
    figures.append(
        {
            "id": uid("scorecard-" + code),
            "x": n * 168,
            "y": 12,
            "width": 160,
            "height": 106,
            "tag": "chart",
            "data": {
                "baselineColorDown": RED,
                "baselineColorUp": GREEN,
                "baselineMode": "difference",
                "title": {"text": title, "bold": True, "color": "#434343"},
                "type": "scorecard",
                "background": "#EFF6FF",
                "keyValue": f"{QS}!{a1(1, row)}",
                "baseline": f"{QS}!{a1(3, row)}",
                "baselineDescr": "vs. last year",
                "humanize": False,
            },
        }
    )
chart_y = y_of(CHART_ROW)
figures.append(
    {
        "id": uid("chart-value-goal"),
        "x": 0,
        "y": chart_y,
        "width": x_of(3) - 10,
        "height": 344,
        "tag": "chart",
        "data": {
            "type": "bar",
            "dataSetsHaveTitle": True,
            "dataSets": [
                {"dataRange": f"{QS}!{r(1, HEAD_TARGETS, 1, LAST_IND - 1)}"},
                {"dataRange": f"{QS}!{r(2, HEAD_TARGETS, 2, LAST_IND - 1)}"},
            ],
            "legendPosition": "top",
            "labelRange": f"{QS}!{r(0, FIRST_IND, 0, LAST_IND - 1)}",
            "title": {"text": ""},
            "background": "#FFFFFF",
            "stacked": False,
            "aggregated": False,
            "horizontal": True,
        },
    }
)
figures.append(
    {
        "id": uid("chart-department"),
        "x": x_of(3),
        "y": chart_y,
        "width": x_of(7) - x_of(3),
        "height": 344,
        "tag": "chart",
        "data": {
            "title": {"text": ""},
            "background": "#FFFFFF",
            "legendPosition": "none",
            "metaData": {
                "groupBy": ["department_id"],
                "measure": "participation_rate",
                "order": "DESC",
                "resModel": "trainlink.department.report",
                "mode": "bar",
            },
            "searchParams": {
                "comparison": None,
                "context": {},
                "domain": [],
                "groupBy": ["department_id"],
                "orderBy": [],
            },
            "type": "odoo_bar",
            "verticalAxisPosition": "left",
            "stacked": False,
            "fieldMatching": matching(),
        },
    }
)
figures.append(
    {
        "id": uid("chart-years"),
        "x": 0,
        "y": y_of(YEARS_ROW),
        "width": x_of(7),
        "height": 344,
        "tag": "chart",
        "data": {
            "title": {"text": ""},
            "background": "#FFFFFF",
            "legendPosition": "top",
            "metaData": {
                "groupBy": ["date:year", "indicator"],
                "measure": "value",
                "order": None,
                "resModel": "trainlink.program.indicator",
                "mode": "line",
            },
            "searchParams": {
                "comparison": None,
                "context": {},
                "domain": [["indicator", "!=", "roi"]],
                "groupBy": ["date:year", "indicator"],
                "orderBy": [],
            },
            "type": "odoo_line",
            "verticalAxisPosition": "left",
            "stacked": False,
            "fillArea": False,
            "fieldMatching": matching(date=False),
        },
    }
)

sheet = {
    "id": uid("sheet-overview"),
    "name": SHEET,
    "colNumber": 7,
    "rowNumber": ROW_NUMBER,
    "rows": {str(k): {"size": v} for k, v in sorted(rows.items())},
    "cols": {str(i): {"size": s} for i, s in enumerate(COLS)},
    "merges": [],
    "cells": dict(sorted(cells.items(), key=lambda kv: (kv[0][0], int(kv[0][1:])))),
    "styles": sheet_styles,
    "formats": sheet_formats,
    "borders": sheet_borders,
    "conditionalFormats": conditional_formats,
    "figures": figures,
    "tables": [],
    "areGridLinesVisible": True,
    "isVisible": True,
    "headerGroups": {"ROW": [], "COL": []},
    "dataValidationRules": [],
    "comments": {},
}

indicator_measures = ["value", "goal", "previous_value", "trend", "sample_size"]
pivots = {
    "1": {
        "type": "ODOO",
        "fieldMatching": matching(),
        "context": {},
        "domain": [],
        "id": "1",
        "measures": [{"id": m, "fieldName": m} for m in indicator_measures],
        "model": "trainlink.program.indicator",
        "name": "Program Targets",
        "sortedColumn": None,
        "formulaId": "1",
        "columns": [],
        "rows": [{"fieldName": "indicator"}],
    },
    "2": {
        "type": "ODOO",
        "fieldMatching": matching(),
        "context": {},
        "domain": [],
        "id": "2",
        "measures": [{"id": "__count", "fieldName": "__count"}],
        "model": "trainlink.program.indicator",
        "name": "Program Targets by Status",
        "sortedColumn": None,
        "formulaId": "2",
        "columns": [],
        "rows": [{"fieldName": "indicator"}, {"fieldName": "status"}],
    },
    "3": {
        "type": "ODOO",
        "fieldMatching": matching(),
        "context": {},
        "domain": [],
        "id": "3",
        "measures": [{"id": "__count", "fieldName": "__count"}],
        "model": "trainlink.program.indicator",
        "name": "Status Labels",
        "sortedColumn": None,
        "formulaId": "3",
        "columns": [],
        "rows": [{"fieldName": "status"}],
    },
}
lists = {
    "1": {
        "columns": [f for _h, f in course_cols],
        "domain": [["thin_data", "=", False]],
        "model": "trainlink.course.effect",
        "context": {},
        "orderBy": [{"name": "mean_net_lift", "asc": False}],
        "id": "1",
        "name": "Top Courses by Net KPI Lift",
        "fieldMatching": matching(date=False),
    }
}
data = {
    "version": 21,
    "sheets": [sheet],
    "styles": styles,
    "formats": formats,
    "borders": borders,
    "revisionId": "START_REVISION",
    "uniqueFigureIds": True,
    "settings": {
        "locale": {
            "name": "English (US)",
            "code": "en_US",
            "thousandsSeparator": ",",
            "decimalSeparator": ".",
            "dateFormat": "mm/dd/yyyy",
            "timeFormat": "hh:mm:ss",
            "formulaArgSeparator": ",",
            "weekStart": 7,
        }
    },
    "pivots": pivots,
    "pivotNextId": 4,
    "customTableStyles": {},
    "odooVersion": 12,
    "globalFilters": [
        {
            "id": YEAR,
            "type": "date",
            "label": "Year",
            "defaultValue": "this_year",
            "rangeType": "fixedPeriod",
            "disabledPeriods": ["quarter", "month"],
        },
        {
            "id": COMPANY,
            "type": "relation",
            "label": "Company",
            "modelName": "res.company",
            "defaultValue": [],
            "defaultValueDisplayNames": [],
        },
    ],
    "lists": lists,
    "listNextId": 2,
    "chartOdooMenusReferences": {
        figure["id"]: (
            "trainlink_analytics.trainlink_department_report_menu"
            if figure["id"] == uid("chart-department")
            else "trainlink_analytics.trainlink_program_indicator_menu"
        )
        for figure in figures
    },
}


# --- Sample dashboard: same layout, static values (shown while empty) -------
SAMPLE_TARGETS = {  # value, goal, last year, trend, status, sample size
    "needs_matched": (92.5, 90, 86.0, 6.5, "Goal Met", 40),
    "job_coverage": (88.9, 100, 77.8, 11.1, "Below Goal", 18),
    "participation": (81.2, 85, 74.6, 6.6, "Below Goal", 212),
    "pass_rate": (84.7, 80, 82.1, 2.6, "Goal Met", 340),
    "application_rate": (72.4, 70, 65.0, 7.4, "Goal Met", 340),
    "kpi_lift": (6.3, 5, 4.1, 2.2, "Goal Met", 96),
    "roi": (1.85, 1, 1.42, 0.43, "Goal Met", 96),
}
SAMPLE_COURSES = [
    ("Consultative Selling", "Monthly Sales", 24, 12.4, 7.9, 16.9, 3.10),
    ("Lean Line Setup", "Units per Hour", 31, 9.8, 6.2, 13.4, 2.45),
    ("Key Account Closing", "Deal Win Rate", 18, 8.7, 3.1, 14.3, 2.20),
    ("Quality at the Source", "First-Pass Yield", 27, 7.5, 4.4, 10.6, 1.95),
    ("Negotiation Essentials", "Average Deal Size", 15, 6.9, 1.8, 12.0, 1.60),
    ("Quick Changeover", "Setup Time Saved", 22, 6.1, 2.9, 9.3, 1.70),
    ("Product Knowledge", "Monthly Sales", 40, 5.2, 2.6, 7.8, 1.35),
    ("Safety Leadership", "Incident-Free Days", 19, 4.6, 0.9, 8.3, 1.10),
    ("Customer Follow-Up", "Repeat Orders", 16, 3.8, 0.4, 7.2, 0.95),
    ("Shift Handover", "Downtime Avoided", 21, 3.1, 0.2, 6.0, 0.80),
]
SAMPLE_DEPARTMENTS = [
    ("Sales East", 91.0),
    ("Quality", 88.0),
    ("Sales West", 84.5),
    ("Assembly Line", 78.2),
    ("Research", 69.3),
    ("Administration", 62.5),
]
SAMPLE_YEARS = {  # 3 years ago .. this year
    "needs_matched": (71.0, 78.5, 86.0, 92.5),
    "job_coverage": (55.6, 66.7, 77.8, 88.9),
    "participation": (58.3, 66.9, 74.6, 81.2),
    "pass_rate": (76.2, 79.5, 82.1, 84.7),
    "application_rate": (48.0, 57.5, 65.0, 72.4),
    "kpi_lift": (1.2, 2.8, 4.1, 6.3),
}
STATUS_LABELS = {"met": "Goal Met", "missed": "Below Goal", "too_few": "Too Few Data"}


def sample_of(real):
    sample = copy.deepcopy(real)
    overview = sample["sheets"][0]
    contents = overview["cells"]
    measures = ["value", "goal", "previous_value", "trend", "status", "sample_size"]
    for cell in contents.values():
        content = cell["content"]
        m = re.match(r'=PIVOT\.VALUE\(1,"(\w+)","indicator","(\w+)"\)$', content)
        if m:
            cell["content"] = str(SAMPLE_TARGETS[m[2]][measures.index(m[1])])
            continue
        m = re.match(r'=PIVOT\.HEADER\(2,"indicator","(\w+)","#status",1\)$', content)
        if m:
            cell["content"] = t(SAMPLE_TARGETS[m[1]][4])
            continue
        m = re.match(r'=ODOO\.LIST\(1,(\d+),"(\w+)"\)$', content)
        if m:
            row = SAMPLE_COURSES[int(m[1]) - 1]
            value = row[[f for _h, f in course_cols].index(m[2])]
            cell["content"] = t(value) if isinstance(value, str) else str(value)
    for rule in overview["conditionalFormats"]:
        values = rule["rule"].get("values", [])
        for n, value in enumerate(values):
            m = re.match(r'=PIVOT\.HEADER\(3,"status","(\w+)"\)$', value)
            if m:
                values[n] = t(STATUS_LABELS[m[1]])
    # Data sheet for the charts that read Odoo in the real dashboard.
    data_cells = {
        "A1": {"content": t("Department")},
        "B1": {"content": t("Participation (%)")},
    }
    for n, (name, rate) in enumerate(SAMPLE_DEPARTMENTS, start=2):
        data_cells[f"A{n}"] = {"content": t(name)}
        data_cells[f"B{n}"] = {"content": str(rate)}
    first_year_row = 10
    data_cells[f"A{first_year_row}"] = {"content": t("Year")}
    year_codes = list(SAMPLE_YEARS)
    for c, code in enumerate(year_codes, start=1):
        label = dict(INDICATORS)[code]
        data_cells[f"{'ABCDEFG'[c]}{first_year_row}"] = {"content": t(label)}
    for n in range(4):
        row = first_year_row + 1 + n
        data_cells[f"A{row}"] = {"content": f"=YEAR(TODAY())-{3 - n}"}
        for c, code in enumerate(year_codes, start=1):
            data_cells[f"{'ABCDEFG'[c]}{row}"] = {"content": str(SAMPLE_YEARS[code][n])}
    last_dept = 1 + len(SAMPLE_DEPARTMENTS)
    last_year_row = first_year_row + 4
    for figure in overview["figures"]:
        kind = figure["data"]["type"]
        if kind == "odoo_bar":
            figure["data"] = {
                "type": "bar",
                "dataSetsHaveTitle": True,
                "dataSets": [{"dataRange": f"Data!B1:B{last_dept}"}],
                "labelRange": f"Data!A2:A{last_dept}",
                "legendPosition": "none",
                "title": {"text": ""},
                "background": "#FFFFFF",
                "stacked": False,
                "aggregated": False,
            }
        elif kind == "odoo_line":
            figure["data"] = {
                "type": "line",
                "dataSetsHaveTitle": True,
                "dataSets": [
                    {
                        "dataRange": f"Data!{'ABCDEFG'[c]}{first_year_row}:"
                        f"{'ABCDEFG'[c]}{last_year_row}"
                    }
                    for c in range(1, len(year_codes) + 1)
                ],
                "labelRange": f"Data!A{first_year_row + 1}:A{last_year_row}",
                "legendPosition": "top",
                "title": {"text": ""},
                "background": "#FFFFFF",
                "stacked": False,
                "aggregated": False,
                "labelsAsText": True,
                "fillArea": False,
            }
    sample["sheets"].append(
        {
            "id": uid("sheet-sample-data"),
            "name": "Data",
            "colNumber": 7,
            "rowNumber": 20,
            "rows": {},
            "cols": {"0": {"size": 160}},
            "merges": [],
            "cells": data_cells,
            "styles": {},
            "formats": {},
            "borders": {},
            "conditionalFormats": [],
            "figures": [],
            "tables": [],
            "areGridLinesVisible": True,
            "isVisible": True,
            "headerGroups": {"ROW": [], "COL": []},
            "dataValidationRules": [],
            "comments": {},
        }
    )
    sample["pivots"] = {}
    sample["lists"] = {}
    sample["globalFilters"] = []
    sample["pivotNextId"] = 1
    sample["listNextId"] = 1
    del sample["chartOdooMenusReferences"]
    return sample


def write(path, content):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(content, f, indent=4, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    folder = sys.argv[1]
    write(f"{folder}/trainlink_program_dashboard.json", data)
    write(f"{folder}/trainlink_program_sample_dashboard.json", sample_of(data))

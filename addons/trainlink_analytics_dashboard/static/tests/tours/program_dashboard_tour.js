/** @odoo-module **/

// An HR officer opens the Dashboards app, picks "Training Program Overview"
// and reads the program's targets. The spreadsheet grid is drawn on a canvas,
// so the cells are read from the dashboard's spreadsheet model, as the user
// sees them (formatted). The Python test (tests/test_ui.py) sets the goal of
// job-specific course coverage to 95 % and gives the company a job, so that
// indicator has a row this year.

import { registry } from "@web/core/registry";

const ACTION = ".o_spreadsheet_dashboard_action";
const DASHBOARD = "Training Program Overview";
// Each status in its colour (conditional formats of the Status column).
const STATUS_COLORS = {
    "Goal Met": "#00A04A",
    "Below Goal": "#DC6965",
    "Too Few Data": "#8F8F8F",
};

/** The spreadsheet model of the open dashboard, found in the component tree. */
function dashboardModel() {
    const nodes = [odoo.__WOWL_DEBUG__.root.__owl__];
    while (nodes.length) {
        const node = nodes.pop();
        const dashboard = node.component?.state?.activeDashboard;
        if (dashboard?.model && node.component.loader) {
            return dashboard.model;
        }
        nodes.push(...Object.values(node.children));
    }
    return undefined;
}

/** Cells still loading or in error, as "A1: message". */
function cellsInError(model, sheetId) {
    const numberOfCols = model.getters.getNumberCols(sheetId);
    const numberOfRows = model.getters.getNumberRows(sheetId);
    const errors = [];
    for (let row = 0; row < numberOfRows; row++) {
        for (let col = 0; col < numberOfCols; col++) {
            const cell = model.getters.getEvaluatedCell({ sheetId, col, row });
            if (cell.type === "error") {
                const ref = `${String.fromCharCode(65 + col)}${row + 1}`;
                errors.push(`${ref}: ${cell.value} ${cell.message || ""}`);
            }
        }
    }
    return errors;
}

async function waitForEvaluation(model, sheetId) {
    let errors = [];
    for (let attempt = 0; attempt < 50; attempt++) {
        errors = cellsInError(model, sheetId);
        if (!errors.length) {
            return;
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`Cells in error: ${errors.join("; ")}`);
}

/**
 * The status cell is shown in its status's colour. The colour comes from
 * conditional formats comparing the cell with the labels of another pivot,
 * which may still be loading: wait for it, up to 10 s.
 */
async function waitForStatusColor(model, sheetId, position) {
    let text, color;
    for (let attempt = 0; attempt < 50; attempt++) {
        text = model.getters.getEvaluatedCell({ sheetId, ...position }).formattedValue;
        color = model.getters.getCellComputedStyle({ sheetId, ...position }).textColor;
        if (color === STATUS_COLORS[text]) {
            return;
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`"${text}" is shown in ${color}`);
}

function checkCell(model, sheetId, ref, expected) {
    const text = model.getters.getEvaluatedCell({ sheetId, ...toPosition(ref) }).formattedValue;
    const ok = Array.isArray(expected) ? expected.includes(text) : text === expected;
    if (!ok) {
        throw new Error(`${ref} shows "${text}", expected ${JSON.stringify(expected)}`);
    }
}

function toPosition(ref) {
    const [, letters, digits] = ref.match(/^([A-Z])(\d+)$/);
    return { col: letters.charCodeAt(0) - 65, row: Number(digits) - 1 };
}

registry.category("web_tour.tours").add("trainlink_analytics_dashboard_program_overview", {
    steps: () => [
        {
            content: "The Dashboards app lists the program overview under Human Resources",
            trigger: `${ACTION} .o_search_panel_category_value[data-name="${DASHBOARD}"]`,
            run: "click",
        },
        {
            content: "The program overview is the open dashboard",
            trigger: `${ACTION} .o_search_panel_category_value.active[data-name="${DASHBOARD}"]`,
        },
        {
            content: "Its spreadsheet is drawn",
            trigger: `${ACTION} .o-spreadsheet .o-grid`,
        },
        {
            content: "with its scorecards and charts",
            trigger: `${ACTION} .o-figure`,
        },
        {
            content: "Every cell evaluates; the targets show their labels and goals",
            trigger: `${ACTION} .o-spreadsheet`,
            async run() {
                const model = dashboardModel();
                if (!model) {
                    throw new Error("No spreadsheet model in the dashboard action");
                }
                const sheetId = model.getters.getActiveSheetId();
                await waitForEvaluation(model, sheetId);
                checkCell(model, sheetId, "A7", "Program Targets");
                checkCell(model, sheetId, "A9", "Needs Matched by Courses (%)");
                checkCell(model, sheetId, "A10", "Job-Specific Course Coverage (%)");
                checkCell(model, sheetId, "A15", "ROI (x)");
                checkCell(model, sheetId, "C10", "95.0");
                checkCell(model, sheetId, "F10", Object.keys(STATUS_COLORS));
                await waitForStatusColor(model, sheetId, { col: 5, row: 9 });
                checkCell(model, sheetId, "A34", "Top Courses by Net KPI Lift");
                const figures = model.getters.getFigures(sheetId);
                if (figures.length !== 9) {
                    throw new Error(`${figures.length} figures, expected 9`);
                }
            },
        },
    ],
});

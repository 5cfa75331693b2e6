/** @odoo-module **/

// HR opens the course-effectiveness analysis: the pivot of mean net lift by
// course and KPI, then the ranking list, then drills down from "Key
// Accounts" to the measured trainings behind its figure. Data: the Python
// test trainlink_analytics/tests/test_ui.py (AnalyticsCase).

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("trainlink_analytics_course_effect", {
    steps: () => [
        {
            content: "The pivot shows the course as a row",
            trigger: ".o_pivot .o_pivot_header_cell_closed:contains('Key Accounts')",
        },
        {
            content: "and the KPI as a column",
            trigger: ".o_pivot thead th:contains('Account revenue')",
        },
        {
            content: "and the mean net lift as its measure",
            trigger: ".o_pivot thead th:contains('Mean Net Lift (%)')",
        },
        {
            content: "Switch to the ranking list",
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            content: "Drill down from Key Accounts to its measured trainings",
            trigger:
                ".o_list_view .o_data_row:contains('Key Accounts') button[name='action_view_contributions']",
            run: "click",
        },
        {
            content: "The measured trainings of the course show",
            trigger: ".o_breadcrumb:contains('Key Accounts: Account revenue')",
        },
        {
            content: "with their net lift",
            trigger: ".o_view_controller .o_data_row, .o_view_controller .o_pivot, .o_view_controller .o_graph_renderer",
        },
    ],
});

/** @odoo-module **/

// Tours of an award campaign: HR (Hanna) runs "2026 Excellent Employee" from
// its draft to the announcement of its winner, then Emma finds her own
// candidacy under Awards > Candidates. They rely on the data of the Python
// test trainlink_award/tests/test_ui.py (AwardCase: Emma 96 training hours,
// award score 69.5, first of the ranking; Pia 66.25), which opens the HR tour
// on the campaign's form (URL, by id: demo data may hold a campaign of the
// same name) and checks the result with the ORM.

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

const FORM = ".o_form_view";
const HEADER = `${FORM} .o_form_statusbar`;
const LIST = ".o_list_view .o_list_table";
const CAMPAIGN = "2026 Excellent Employee";

/** The status bar shows `state` (its technical value and label) as current. */
function stateIs(state, label) {
    return {
        content: `The status bar shows "${label}"`,
        trigger: `${HEADER} .o_statusbar_status .o_arrow_button_current[data-value="${state}"]:contains("${label}")`,
    };
}

/** Back through the breadcrumbs to the view named `name`. */
function backTo(name) {
    return {
        content: `Back to "${name}"`,
        trigger: `.o_breadcrumb li.breadcrumb-item a:contains("${name}")`,
        run: "click",
    };
}

/** The candidates of the campaign, from its smart button. */
function openCandidates() {
    return [
        {
            content: "Open the campaign's candidates (smart button)",
            trigger: `${FORM} button[name=action_view_candidates]:contains(Candidates)`,
            run: "click",
        },
        {
            content: "The candidates are listed",
            trigger: `.o_breadcrumb .o_last_breadcrumb_item:contains("Award Candidates")`,
        },
    ];
}

function openEmmaCandidate() {
    return [
        {
            content: "Open Emma's candidacy",
            trigger: `${LIST} .o_data_row td[name=employee_id]:contains(Emma)`,
            run: "click",
        },
        {
            content: "Emma's candidate form is open",
            trigger: `${FORM} .oe_title div[name=employee_id]:contains(Emma)`,
        },
        {
            content: "... in the campaign",
            trigger: `${FORM} .oe_title div[name=campaign_id]:contains("${CAMPAIGN}")`,
        },
    ];
}

// 1. Hanna (HR officer) opens the nomination, checks the ranking and Emma's
// breakdown down to her counted trainings, closes the nomination, marks Emma
// as the winner and confirms the winners.
registry.category("web_tour.tours").add("trainlink_award_hr_runs_campaign", {
    steps: () => [
        {
            content: "The campaign is open in its form",
            trigger: `${FORM} div[name=name] input:value("${CAMPAIGN}")`,
        },
        stateIs("draft", "Draft"),
        {
            content: "No candidate before the nomination opens",
            trigger: `${FORM}:not(:has(button[name=action_view_candidates]))`,
        },
        {
            content: 'Click "Open Nomination"',
            trigger: `${HEADER} button[name=action_open]:contains("Open Nomination")`,
            run: "click",
        },
        stateIs("open", "Nomination Open"),
        {
            content: "The five people of TL Sales are candidates",
            trigger: `${FORM} button[name=action_view_candidates] .o_stat_value:contains(5)`,
        },
        ...openCandidates(),
        // The ranking is the "Rank" column (the campaign's own ranking), not
        // the row order: candidates without any point have a NULL score,
        // which the model's order "score desc" puts first.
        {
            content: "Emma leads the ranking: rank 1, award score 69.50",
            trigger: `${LIST} .o_data_row:has(td[name=employee_id]:contains(Emma)):has(td[name=rank]:contains(1)):has(td[name=score]:contains(69.50))`,
        },
        {
            content: "Pia follows: rank 2, 66.25",
            trigger: `${LIST} .o_data_row:has(td[name=employee_id]:contains(Pia)):has(td[name=rank]:contains(2)):has(td[name=score]:contains(66.25))`,
        },
        {
            content: "Emma alone is ranked first",
            trigger: `${LIST}:not(:has(.o_data_row:has(td[name=rank]:contains(1)):not(:has(td[name=employee_id]:contains(Emma)))))`,
        },
        {
            content: "Nobody can be marked a winner while the nomination is open",
            trigger: `${LIST} .o_data_row:has(td[name=employee_id]:contains(Emma)) td[name=selected] input[type=checkbox]:disabled`,
        },
        ...openEmmaCandidate(),
        {
            content: "Her breakdown: 96 training hours",
            trigger: `${FORM} button[name=action_view_attendances]:contains("Training Hours") .o_stat_value:contains(96.00)`,
        },
        {
            content: "... what she still needs",
            trigger: `${FORM} div[name=progress]:contains("Training hours 96 / 120")`,
        },
        {
            content: "... training score 90 (hours 80 %, cases and trainer 100 %)",
            trigger: `${FORM} div[name=training_score]:contains(90.00)`,
        },
        {
            content: "... performance 85 (mean of 80 and 90)",
            trigger: `${FORM} div[name=performance_score]:contains(85.00)`,
        },
        {
            content: "... award score 69.50",
            trigger: `${FORM} div[name=score]:contains(69.50)`,
        },
        {
            content: "Open her counted trainings (Training Hours stat button)",
            trigger: `${FORM} button[name=action_view_attendances]:contains("Training Hours")`,
            run: "click",
        },
        {
            content: "Her two 2026 trainings are listed, not the one of 2025",
            trigger: `${LIST}:has(.o_data_row:eq(1)):not(:has(.o_data_row:eq(2)))`,
        },
        {
            content: "... 60 + 36 = 96 hours in all",
            trigger: `${LIST} tfoot:contains(96.00)`,
        },
        {
            content: "... and every row is Emma's",
            trigger: `${LIST}:not(:has(.o_data_row:not(:contains(Emma))))`,
        },
        backTo("Emma"),
        {
            content: "Back on Emma's candidacy",
            trigger: `${FORM} .oe_title div[name=employee_id]:contains(Emma)`,
        },
        backTo(CAMPAIGN),
        stateIs("open", "Nomination Open"),
        {
            content: 'Click "Close Nomination"',
            trigger: `${HEADER} button[name=action_freeze]:contains("Close Nomination")`,
            run: "click",
        },
        {
            content: "Confirm: the scores are computed a last time and frozen",
            trigger: ".modal:contains(frozen) .modal-footer button.btn-primary",
            run: "click",
        },
        {
            content: "The dialog is closed",
            trigger: "body:not(:has(.modal))",
        },
        stateIs("frozen", "Nomination Closed"),
        ...openCandidates(),
        {
            content: "Emma still leads the frozen ranking",
            trigger: `${LIST} .o_data_row:has(td[name=employee_id]:contains(Emma)):has(td[name=rank]:contains(1)):has(td[name=score]:contains(69.50))`,
        },
        ...openEmmaCandidate(),
        {
            content: "Mark Emma as the winner",
            trigger: `${FORM} div[name=selected] input[type=checkbox]:enabled:not(:checked)`,
            run: "click",
        },
        {
            content: "Save",
            trigger: `${FORM} .o_form_button_save`,
            run: "click",
        },
        {
            content: "Saved, marked as the winner",
            trigger: `.o_form_saved div[name=selected] input[type=checkbox]:checked`,
        },
        backTo(CAMPAIGN),
        stateIs("frozen", "Nomination Closed"),
        {
            content: 'Click "Confirm Winners"',
            trigger: `${HEADER} button[name=action_confirm_winners]:contains("Confirm Winners")`,
            run: "click",
        },
        stateIs("done", "Winners Announced"),
        {
            content: "No more step on a settled campaign",
            trigger: `${HEADER}:not(:has(button[name=action_confirm_winners])):not(:has(button[name=action_freeze]))`,
        },
    ],
});

// 2. Emma, under Awards > Candidates, sees her own candidacy only, what she
// still needs and that she won.
registry.category("web_tour.tours").add("trainlink_award_employee_sees_candidacy", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Employees app",
            trigger: ".o_app[data-menu-xmlid='hr.menu_hr_root']",
            run: "click",
        },
        {
            content: "Open the menu Training & Performance",
            trigger: ".o_menu_sections button[data-menu-xmlid='trainlink_performance.trainlink_menu_root']",
            run: "click",
        },
        {
            content: "Awards > Candidates",
            trigger: ".dropdown-item[data-menu-xmlid='trainlink_award.award_candidate_menu']",
            run: "click",
        },
        {
            content: "The candidates list is open",
            trigger: `.o_breadcrumb .o_last_breadcrumb_item:contains("Award Candidates")`,
        },
        {
            content: "Emma sees one candidacy, her own, in the campaign",
            trigger: `${LIST} .o_data_row:only:has(td[name=employee_id]:contains(Emma))`,
        },
        {
            content: "Nobody else's candidacy",
            trigger: `${LIST}:not(:has(.o_data_row:contains(Pia)))`,
        },
        {
            content: "Emma cannot mark winners",
            trigger: `${LIST}:not(:has(th[data-name=selected]))`,
        },
        {
            content: "Switch to the kanban view",
            trigger: ".o_control_panel .o_switch_view.o_kanban",
            run: "click",
        },
        {
            content: "Her card shows what she still needs",
            trigger: `.o_kanban_record:not(.o_kanban_ghost):contains(Emma):contains("Training hours 96 / 120")`,
        },
        {
            content: "... and only hers",
            trigger: `.o_kanban_renderer:not(:has(.o_kanban_record:not(.o_kanban_ghost):not(:contains(Emma))))`,
        },
        {
            content: "Open her candidacy",
            trigger: `.o_kanban_record:not(.o_kanban_ghost):contains(Emma)`,
            run: "click",
        },
        {
            content: "Her candidacy is shown with its progress",
            trigger: `${FORM} div[name=progress]:contains("Training hours 96 / 120")`,
        },
        {
            content: "... and the Winner ribbon",
            trigger: `${FORM} .ribbon:contains(Winner)`,
        },
        {
            content: "She does not see the committee's mark",
            trigger: `${FORM}:not(:has(div[name=selected]))`,
        },
    ],
});

/** @odoo-module **/

// Tours of an improvement plan walked by a manager (Eric) and the employee
// it is about (Emma). They rely on the data of the Python test
// trainlink_improvement_plan/tests/test_ui.py, which opens each tour on the
// plan's form (URL) as the right user and checks the result with the ORM.

import { registry } from "@web/core/registry";

const FORM = ".o_form_view";
const HEADER = `${FORM} .o_form_statusbar`;

const CAUSE = {
    why: "TL tour: follow-up calls are not planned",
    what: "Quotes go cold",
    where: "Key accounts",
    when: "After the first visit",
    who: "Emma",
    how: "No call list kept",
    how_much: "About 30 % of quotes",
};
const PROGRESS_NOTE = "TL tour: called back every open quote this week";
const CHECKIN_NOTE = "TL tour: check-in held, call list reviewed together";

/** The status bar shows `stage` (its technical value and label) as current. */
function stageIs(stage, label) {
    return {
        content: `The status bar shows the stage "${label}"`,
        trigger: `${HEADER} .o_statusbar_status .o_arrow_button_current[data-value="${stage}"]:contains("${label}")`,
    };
}

/** Next Stage, from `label` (the current stage, already checked) to
 * `nextLabel`, which the status bar must then show. */
function nextStage(label, nextStageValue, nextLabel) {
    return [
        {
            content: `Leave the stage "${label}"`,
            trigger: `${HEADER} button[name=action_next_stage]:contains("Next Stage")`,
            run: "click",
        },
        stageIs(nextStageValue, nextLabel),
    ];
}

function openPage(name, label) {
    return {
        content: `Open the page "${label}"`,
        trigger: `${FORM} .o_notebook_headers .nav-link[name=${name}]`,
        run: "click",
    };
}

/** Sign through the plan's signing wizard and Odoo's signature widget (auto
 * mode: the typed name drawn in a font). */
function sign(buttonLabel, signerName) {
    return [
        {
            content: `Click "${buttonLabel}"`,
            trigger: `${HEADER} button[name=action_open_sign_wizard]:contains("${buttonLabel}")`,
            run: "click",
        },
        {
            content: "The signing wizard opens with the signer's name",
            trigger: `.modal .o_form_view div[name=signer_name] input:value("${signerName}")`,
        },
        {
            content: "Open the signature widget",
            trigger: ".modal .o_form_view div[name=signature] .o_signature_empty",
            run: "click",
        },
        {
            content: "The signature dialog draws the typed name (auto mode)",
            trigger: ".modal .o_web_sign_name_and_signature .o_web_sign_auto_button.active",
        },
        {
            content: "Adopt the signature",
            trigger: ".modal .modal-footer button.btn-primary:enabled:contains(Adopt)",
            run: "click",
        },
        {
            content: "The wizard shows the adopted signature",
            trigger: ".modal .o_form_view div[name=signature] img.o_signature",
        },
        {
            content: "Confirm the signature",
            trigger: ".modal button[name=action_sign]:enabled",
            run: "click",
        },
        {
            content: "The wizard is closed",
            trigger: "body:not(:has(.modal))",
        },
    ];
}

/** A follow-up entry (progress report or check-in) through its dialog. */
function followUp(buttonName, buttonLabel, kindLabel, note) {
    return [
        {
            content: `Click "${buttonLabel}"`,
            trigger: `${HEADER} button[name=${buttonName}]:contains("${buttonLabel}")`,
            run: "click",
        },
        {
            content: `The dialog is a ${kindLabel}`,
            trigger: `.modal .o_form_view div[name=kind]:contains("${kindLabel}")`,
        },
        {
            content: "Write the note",
            trigger: ".modal .o_form_view div[name=note] textarea",
            run: `edit ${note}`,
        },
        {
            content: "Save the entry",
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            content: "The dialog is closed",
            trigger: "body:not(:has(.modal))",
        },
    ];
}

// 1. Eric prepares the plan: a root cause through its 5W2H dialog, the stages
// up to the review, the review meeting date, then his signature.
registry.category("web_tour.tours").add("trainlink_improvement_plan_manager_prepares", {
    steps: () => [
        {
            content: "The plan is Emma's (editable for Eric)",
            trigger: `${FORM} div[name=employee_id] input:value(Emma)`,
        },
        {
            content: "Eric does not sign as the employee",
            trigger: `${HEADER}:not(:has(button:contains("Sign as Employee")))`,
        },
        stageIs("problem", "Problem & Goals"),
        ...nextStage("Problem & Goals", "cause", "Root Causes"),
        openPage("cause", "2. Root Causes"),
        {
            content: "Add a root cause",
            trigger: `${FORM} div[name=cause_ids] .o_field_x2many_list_row_add a`,
            run: "click",
        },
        {
            content: "Category: method",
            trigger: ".modal .o_form_view div[name=category] select",
            run: 'select "method"',
        },
        ...Object.entries(CAUSE).map(([field, text]) => ({
            content: `5W2H: ${field}`,
            trigger: `.modal .o_form_view div[name=${field}] textarea`,
            run: `edit ${text}`,
        })),
        {
            content: "The cause is personal (method)",
            trigger: ".modal .o_form_view div[name=kind]:contains(Personal)",
        },
        {
            content: "Save & close the cause",
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            content: "The cause is listed",
            trigger: `body:not(:has(.modal)) ${FORM} div[name=cause_ids] .o_data_row:contains("${CAUSE.why}")`,
        },
        stageIs("cause", "Root Causes"),
        ...nextStage("Root Causes", "action", "Actions"),
        ...nextStage("Actions", "resource", "Resources"),
        ...nextStage("Resources", "review", "Review & Signatures"),
        {
            content: "The review stage has no Next Stage button",
            trigger: `${HEADER}:not(:has(button[name=action_next_stage]))`,
        },
        openPage("review", "5. Review & Signatures"),
        {
            content: "Set the review meeting date (today)",
            trigger: `${FORM} div[name=review_date] input`,
            run: `edit ${luxon.DateTime.now().toFormat("MM/dd/yyyy")} && press Enter`,
        },
        ...sign("Sign as Manager", "tl_eric"),
        stageIs("review", "Review & Signatures"),
        {
            content: "Eric's signature is on the plan",
            trigger: `${FORM} div[name=manager_signed_name]:contains(tl_eric)`,
        },
        {
            content: "The signature is shown",
            trigger: `${FORM} div[name=manager_signature] img`,
        },
        {
            content: "Eric has signed: no Sign as Manager button any more",
            trigger: `${HEADER}:not(:has(button:contains("Sign as Manager")))`,
        },
    ],
});

// 2. Emma signs, the plan runs, she reports her progress; she does not move
// the plan on.
registry.category("web_tour.tours").add("trainlink_improvement_plan_employee_signs", {
    steps: () => [
        stageIs("review", "Review & Signatures"),
        {
            content: "Emma does not sign as the manager nor move the stage",
            trigger: `${HEADER}:not(:has(button:contains("Sign as Manager"))):not(:has(button[name=action_next_stage]))`,
        },
        openPage("review", "5. Review & Signatures"),
        {
            content: "Eric's signature is there",
            trigger: `${FORM} div[name=manager_signed_name]:contains(tl_eric)`,
        },
        ...sign("Sign as Employee", "tl_emma"),
        stageIs("follow_up", "Weekly Follow-up"),
        {
            content: "Both signatures are on the plan",
            trigger: `${FORM} div[name=employee_signed_name]:contains(tl_emma)`,
        },
        ...followUp("action_report_progress", "Report Progress", "Progress Report", PROGRESS_NOTE),
        openPage("follow_up", "6. Weekly Follow-up"),
        {
            content: "Her progress report is in the follow-up log",
            trigger: `${FORM} div[name=followup_ids] .o_data_row:contains("${PROGRESS_NOTE}")`,
        },
        {
            content: "Emma sees Report Progress but neither Next Stage, Evaluate nor Record Check-in",
            trigger: `${HEADER}:has(button[name=action_report_progress]):not(:has(button[name=action_next_stage])):not(:has(button[name=action_evaluate])):not(:has(button[name=action_record_checkin]))`,
        },
        stageIs("follow_up", "Weekly Follow-up"),
    ],
});

// 3. Eric records the week's check-in; the log shows both entries.
registry.category("web_tour.tours").add("trainlink_improvement_plan_manager_checks_in", {
    steps: () => [
        stageIs("follow_up", "Weekly Follow-up"),
        {
            content: "Eric may evaluate but not report Emma's progress",
            trigger: `${HEADER}:has(button[name=action_evaluate]):not(:has(button[name=action_report_progress]))`,
        },
        ...followUp("action_record_checkin", "Record Check-in", "Manager Check-in", CHECKIN_NOTE),
        openPage("follow_up", "6. Weekly Follow-up"),
        {
            content: "The check-in is in the follow-up log",
            trigger: `${FORM} div[name=followup_ids] .o_data_row:contains("${CHECKIN_NOTE}")`,
        },
        {
            content: "Emma's progress report is in the log too",
            trigger: `${FORM} div[name=followup_ids] .o_data_row:contains("${PROGRESS_NOTE}")`,
        },
        {
            content: "The log has exactly these two entries",
            trigger: `${FORM} div[name=followup_ids] .o_list_table:has(.o_data_row:eq(1)):not(:has(.o_data_row:eq(2)))`,
        },
        stageIs("follow_up", "Weekly Follow-up"),
    ],
});

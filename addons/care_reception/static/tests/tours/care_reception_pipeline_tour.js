/** @odoo-module **/
// A receptionist walks an assessed enquiry through the pipeline: the tour is
// scheduled, a proposal without a package is refused, the package is chosen,
// the family signs and the elder's archive is there.
import { registry } from "@web/core/registry";

const stage = (name) => `.o_statusbar_status button:contains('${name}')`;
const current = (name) => `.o_statusbar_status button.o_arrow_button_current:contains('${name}')`;

registry.category("web_tour.tours").add("care_reception_pipeline", {
    steps: () => [
        {
            content: "The enquiry is open at its first stage",
            trigger: current("New enquiry"),
        },
        {
            content: "The questionnaire came back: move on",
            trigger: stage("Questionnaire received"),
            run: "click",
        },
        {
            trigger: current("Questionnaire received"),
        },
        {
            content: "The elder was assessed",
            trigger: stage("Assessed"),
            run: "click",
        },
        {
            trigger: current("Assessed"),
        },
        {
            content: "Schedule the tour",
            trigger: "button[name=action_care_schedule_tour]",
            run: "click",
        },
        {
            content: "The tour is planned from the next half hour: save it",
            trigger: ".modal .o_form_button_save",
            run: "click",
        },
        {
            content: "The lead knows its tour",
            trigger: "body:not(:has(.modal)):not(:has(button[name=action_care_schedule_tour]))",
        },
        {
            content: "The family came: toured",
            trigger: stage("Toured"),
            run: "click",
        },
        {
            trigger: current("Toured"),
        },
        {
            content: "Proposal without a package",
            trigger: stage("Proposal"),
            run: "click",
        },
        {
            content: "Reception is told what is missing",
            trigger: ".modal:contains('a proposal needs a matched package')",
        },
        {
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "Undo the move",
            trigger: ".o_form_button_cancel",
            run: "click",
        },
        {
            trigger: current("Toured"),
        },
        {
            content: "Open the proposal tab",
            trigger: ".o_notebook .nav-link:contains('Assessment and proposal')",
            run: "click",
        },
        {
            content: "Choose the package",
            trigger: ".o_field_widget[name=care_package_id] input",
            run: "edit Home care, standard",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains('Home care, standard')",
            run: "click",
        },
        {
            trigger: stage("Proposal"),
            run: "click",
        },
        {
            trigger: current("Proposal"),
        },
        {
            content: "The family signs",
            trigger: "button[name=action_set_won_rainbowman]",
            run: "click",
        },
        {
            content: "The archive is the elder's now",
            trigger: ".o_stat_text:contains('Elder archive')",
        },
        {
            trigger: ".o_form_status_indicator:not(:has(.o_form_status_indicator_buttons:visible))",
        },
    ],
});

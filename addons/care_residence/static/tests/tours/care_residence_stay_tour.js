/** @odoo-module **/
// The care manager takes an elder from the waiting list to a bed: a bed is
// reserved from the entry, the elder is admitted (the deposit invoiced),
// then discharged home (the deposit refunded).
import { registry } from "@web/core/registry";

// by value, not label: the tour runs in any interface language
const current = (value) =>
    `.o_statusbar_status button.o_arrow_button_current[data-value=${value}]`;

registry.category("web_tour.tours").add("care_residence_stay", {
    steps: () => [
        {
            content: "The entry waits for a bed",
            trigger: current("waiting"),
        },
        {
            content: "Reserve a bed",
            trigger: "button[name=action_open_reserve]",
            run: "click",
        },
        {
            content: "Choose the single room's bed",
            trigger: ".modal div[name=bed_id] input",
            run: "edit T01",
        },
        {
            trigger: ".ui-autocomplete a.dropdown-item:contains('T01-A')",
            run: "click",
        },
        {
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The reservation is open",
            trigger: current("reserved"),
        },
        {
            content: "Admit",
            trigger: "button[name=action_admit]",
            run: "click",
        },
        {
            trigger: current("admitted"),
        },
        {
            content: "The deposit is invoiced",
            trigger: "div[name=deposit_move_id] a, div[name=deposit_move_id] span:not(:empty)",
        },
        {
            content: "Discharge",
            trigger: ".o_form_statusbar button.o_residence_discharge",
            run: "click",
        },
        {
            trigger: ".modal div[name=reason] select",
            run: 'select "home"',
        },
        {
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "Discharged",
            trigger: current("discharged"),
        },
    ],
});

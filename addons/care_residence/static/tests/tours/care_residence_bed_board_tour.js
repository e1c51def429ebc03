/** @odoo-module **/
// The bed board: an elder is dragged from the waiting list onto a free bed
// (reserved), the bed opens its reservation, the care manager admits her,
// then discharges her home.
import { registry } from "@web/core/registry";

const current = (value) =>
    `.o_statusbar_status button.o_arrow_button_current[data-value=${value}]`;
const bed = (name, state) => `.o_care_bed[data-bed-name='${name}'][data-state=${state}]`;

registry.category("web_tour.tours").add("care_residence_bed_board", {
    steps: () => [
        {
            content: "The board shows the free beds",
            trigger: bed("T01-A", "free"),
        },
        {
            content: "Drag the elder from the waiting list onto the single room's bed",
            trigger: ".o_care_waiting_entry[data-elder='测试秀英']",
            run: `drag_and_drop ${bed("T01-A", "free")}`,
        },
        {
            content: "The bed is reserved, with her name on it",
            trigger: `${bed("T01-A", "reserved")} .o_care_bed_elder:contains('测试秀英')`,
        },
        {
            content: "She left the waiting list",
            trigger: ".o_care_waiting_panel:not(:has(.o_care_waiting_entry[data-elder='测试秀英']))",
        },
        {
            content: "Open the bed",
            trigger: bed("T01-A", "reserved"),
            run: "click",
        },
        {
            content: "Open its reservation",
            trigger: ".o_form_view div[name=stay_id] a",
            run: "click",
        },
        {
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

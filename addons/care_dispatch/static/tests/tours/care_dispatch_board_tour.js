/** @odoo-module **/
// A dispatcher takes a new request from the board: opens its card, looks at
// the providers proposed for it, sends it to the one the family asked for
// (not the first proposed), and finds the card under "Dispatched".
import { registry } from "@web/core/registry";

const ELDER = "巡检测试老人";
const card = `.o_kanban_record:contains('${ELDER}')`;

registry.category("web_tour.tours").add("care_dispatch_board", {
    steps: () => [
        {
            content: "The new request waits on the board",
            trigger: `.o_kanban_group:contains('New') ${card}`,
            run: "click",
        },
        {
            content: "See who can take it",
            trigger: "button[name=action_care_propose]",
            run: "click",
        },
        {
            content: "The best provider is proposed first: as well rated, and cheaper",
            trigger: ".modal .o_data_row:first-child:contains('便宜服务公司')",
        },
        {
            content: "A provider that does not serve the area is not proposed",
            trigger: ".modal .o_list_renderer:not(:contains('外区服务公司'))",
        },
        {
            content: "The family asked for the company whose worker they know",
            trigger: ".modal .o_data_row:contains('好服务公司') button[name=action_dispatch]",
            run: "click",
        },
        {
            content: "The order is dispatched to that provider",
            trigger:
                "body:not(:has(.modal)) .o_statusbar_status button.o_arrow_button_current:contains('Dispatched')",
        },
        {
            content: "The chatter says where it went",
            trigger: ".o-mail-Message:contains('Dispatched to 好服务公司')",
        },
        {
            content: "Back to the board",
            trigger: ".o_breadcrumb .breadcrumb-item a",
            run: "click",
        },
        {
            content: "The card is under Dispatched, with its provider",
            trigger: `.o_kanban_group:contains('Dispatched') ${card}:contains('好服务公司')`,
        },
    ],
});

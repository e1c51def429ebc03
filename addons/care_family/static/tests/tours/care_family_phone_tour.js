/** @odoo-module **/
// A daughter on her phone (375x812): opens her father's page from the list,
// sees the photo the worker took, books a service, rates the last visit.
import { registry } from "@web/core/registry";

function inDays(days) {
    const day = new Date(Date.now() + days * 24 * 3600 * 1000);
    const pad = (n) => String(n).padStart(2, "0");
    return `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}`;
}

function fitsThePhone() {
    const page = document.documentElement;
    if (page.scrollWidth > window.innerWidth + 1) {
        throw new Error(
            `The page is ${page.scrollWidth}px wide on a ${window.innerWidth}px screen`
        );
    }
}

registry.category("web_tour.tours").add("care_family_phone", {
    url: "/my/elders",
    steps: () => [
        {
            content: "Her elder is listed",
            trigger: ".o_care_elder_item:contains('甲老人')",
            run() {
                fitsThePhone();
                this.anchor.click();
            },
        },
        {
            content: "The last visit, with who came and the worker's photo",
            trigger: ".o_care_past .o_care_visit:contains('护理员赵敏') img[alt='Visit photo']",
            run: fitsThePhone,
        },
        {
            content: "Choose the date of the service",
            trigger: "#care_day",
            run() {
                this.anchor.value = inDays(3);
            },
        },
        {
            content: "Send the request",
            trigger: ".o_care_book_submit",
            run: "click",
        },
        {
            content: "The centre has the request",
            trigger: ".o_care_message.alert-success",
        },
        {
            content: "It is among the next visits, and can be cancelled",
            trigger: ".o_care_next .o_care_cancel",
        },
        {
            content: "Five stars for the last visit",
            trigger: ".o_care_rate label:contains('5')",
            run: "click",
        },
        {
            content: "A word for the worker",
            trigger: ".o_care_rate textarea[name=comment]",
            run: "edit 很细心",
        },
        {
            content: "Rate",
            trigger: ".o_care_rate button[type=submit]",
            run: "click",
        },
        {
            content: "The rating is recorded",
            trigger: ".o_care_rated",
            run: fitsThePhone,
        },
    ],
});

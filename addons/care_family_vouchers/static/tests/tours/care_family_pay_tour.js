/** @odoo-module **/
// A daughter on her phone (375x812) pays her father's co-payment invoice
// from his page, with the demo provider (test mode).
import { registry } from "@web/core/registry";

function fitsThePhone() {
    const page = document.documentElement;
    if (page.scrollWidth > window.innerWidth + 1) {
        throw new Error(
            `The page is ${page.scrollWidth}px wide on a ${window.innerWidth}px screen`
        );
    }
}

registry.category("web_tour.tours").add("care_family_pay", {
    steps: () => [
        {
            content: "The voucher balance and its burn-down this month",
            trigger: ".o_care_money .o_care_voucher polyline",
            run: fitsThePhone,
        },
        {
            content: "Pay the co-payment invoice",
            trigger: ".o_care_money .o_care_copay .o_care_pay",
            run: "click",
        },
        {
            content: "Odoo's payment form opens on the invoice",
            trigger: "#pay_with.show input[name='o_payment_radio'][data-provider-code='demo']",
            run: "click",
        },
        {
            content: "Test card number",
            trigger: "#pay_with.show input[name='customer_input']",
            run: "edit 4111 1111 1111 1111",
        },
        {
            content: "Pay",
            trigger: "#pay_with.show button[name='o_payment_submit_button']:enabled",
            run: "click",
        },
        {
            content: "Back on the invoice, paid",
            trigger:
                ".badge.text-bg-success:contains('Paid'), .badge.text-bg-info:contains('Processing Payment')",
            timeout: 20000,
            run: fitsThePhone,
        },
    ],
});

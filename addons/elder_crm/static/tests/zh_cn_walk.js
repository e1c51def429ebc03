/* Walks the screens of one user and reports the English words it sees.
 *
 * tests/test_zh_cn_ui.py runs window.careZhWalk(url) with browser_js; url is a
 * JSON attachment holding the walk's config:
 *
 * config = {
 *   menus: [{path: "养老服务 / 老人 / 老人", action: 123}, ...],
 *   allow: ["Odoo", ...],        // words that may stay as they are
 *   data: {model: [field, ...]}, // fields whose values are typed by users
 *                                // (not translatable): their text is skipped
 *   comodels: {model: {field: comodel}},
 *   texts: ["Deco Addict", ...],  // values typed by users, seen as they are
 *   light: [action id, ...],      // walked by another role: first view and
 *                                 // form only
 * }
 * For each menu it opens the action, each of its list and kanban views and
 * the form of the first record (every notebook page), or the dialog of a
 * wizard, and collects the visible text and placeholders of the page. It
 * ends with console.log("test successful"), or console.error listing every
 * English word with where it was seen (browser_js then fails the test).
 */
import { rpcBus } from "@web/core/network/rpc";

window.careZhWalk = async function careZhWalk(url) {
    const config = await (await fetch(url)).json();
    const started = Date.now();
    const env = odoo.__WOWL_DEBUG__.root.env;
    const action = env.services.action;
    const WORD = /[A-Za-z]{3,}/g;
    // addresses are not words: e-mails, URLs, domain names
    const ADDRESS = /[\w.+-]+@[\w-]+(\.[\w-]+)+|(https?:\/\/)?([\w-]+\.)+[a-z]{2,}(\/\S*)?/gi;
    const allow = new Set(config.allow.map((w) => w.toLowerCase()));
    const texts = new Set(config.texts);
    const light = new Set(config.light);
    const dataFields = {};
    for (const [model, names] of Object.entries(config.data)) {
        dataFields[model] = new Set(names);
    }
    // Text of no interest: messages and activities (records written in their
    // author's language), the user's and company's names, hidden templates.
    const SKIP = [
        "script",
        "style",
        "template",
        ".o-mail-Message",
        ".o-mail-Activity",
        ".o-mail-Followers-dropdown",
        ".o_user_menu",
        ".o_switch_company_menu",
        ".o_debug_manager",
        ".o_notification_manager",
        ".o-mail-ChatWindowContainer",
        ".o_kanban_ghost",
        // sample records of an empty view (names and tags made up by the client)
        ".o_view_sample_data .o_data_row",
        ".o_view_sample_data .o_kanban_record",
        ".o_view_sample_data .o_group_name",
    ].join(",");

    const pending = new Set();
    rpcBus.addEventListener("RPC:REQUEST", ({ detail }) => pending.add(detail.data.id));
    rpcBus.addEventListener("RPC:RESPONSE", ({ detail }) => pending.delete(detail.data.id));
    const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

    async function settle() {
        // at least two frames, then until no request is running for 2 frames
        let quiet = 0;
        for (let i = 0; i < 400 && quiet < 3; i++) {
            await new Promise((resolve) => requestAnimationFrame(resolve));
            await sleep(10);
            quiet = pending.size ? 0 : quiet + 1;
        }
        const error = document.querySelector(".o_error_dialog");
        if (error) {
            // reported at the end; the walk goes on with the next screens
            errors.push(`${current}: ${error.innerText.replace(/\s+/g, " ").slice(0, 300)}`);
            const close = error.closest(".modal").querySelector(".btn-close, .btn-primary");
            if (close) {
                close.click();
                await sleep(50);
            }
        }
    }

    function visible(el) {
        return el.checkVisibility
            ? el.checkVisibility({ visibilityProperty: true, opacityProperty: false })
            : Boolean(el.offsetParent);
    }

    // The model shown by the element (an x2many field shows its comodel).
    function fieldOf(el, model) {
        const cell = el.closest("td.o_data_cell[name], .o_field_widget[name]");
        if (!cell) {
            return null;
        }
        const x2many = cell.parentElement && cell.parentElement.closest(".o_field_x2many[name], .o_field_widget.o_field_one2many[name], .o_field_widget.o_field_many2many[name]");
        if (x2many && x2many !== cell) {
            const comodel = (config.comodels[model] || {})[x2many.getAttribute("name")];
            if (comodel) {
                model = comodel;
            }
        }
        return { model, name: cell.getAttribute("name") };
    }

    function isData(el, model) {
        const field = fieldOf(el, model);
        if (field) {
            return Boolean(dataFields[field.model] && dataFields[field.model].has(field.name));
        }
        // a kanban card shows a field without widget as a bare <span>
        return (
            el.tagName === "SPAN" &&
            el.attributes.length === 0 &&
            Boolean(el.closest(".o_kanban_record"))
        );
    }

    const found = {}; // word: [where, ...]
    const errors = [];
    let current = "";

    function note(text, where) {
        for (const word of text.replace(ADDRESS, " ").match(WORD) || []) {
            if (allow.has(word.toLowerCase())) {
                continue;
            }
            const seen = (found[word] = found[word] || []);
            const sample = `${where}: "${text.trim().slice(0, 80)}"`;
            if (seen.length < 3 && !seen.includes(sample)) {
                seen.push(sample);
            }
        }
    }

    function collect(where, model, { skipTitle = false, root = document.body } = {}) {
        const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        let node;
        while ((node = walker.nextNode())) {
            const text = node.nodeValue;
            if (!text || !/[A-Za-z]{3,}/.test(text) || texts.has(text.trim())) {
                continue;
            }
            const el = node.parentElement;
            if (!el || el.closest(SKIP) || !visible(el)) {
                continue;
            }
            if (el.closest("option") || isData(el, model)) {
                continue;
            }
            if (skipTitle && el.closest(".o_last_breadcrumb_item")) {
                continue; // the record's name
            }
            note(text, where);
        }
        for (const input of root.querySelectorAll("input[placeholder], textarea[placeholder]")) {
            if (!input.closest(SKIP) && visible(input)) {
                note(input.getAttribute("placeholder"), `${where} (placeholder)`);
            }
        }
        for (const select of root.querySelectorAll("select")) {
            const option = select.selectedOptions[0];
            if (option && visible(select) && !select.closest(SKIP) && !isData(select, model)) {
                note(option.textContent, where);
            }
        }
    }

    async function closeDialogs() {
        for (let i = 0; i < 5; i++) {
            const close = document.querySelector(".modal .btn-close, .modal .o_form_button_cancel");
            if (!close) {
                return;
            }
            close.click();
            await settle();
        }
    }

    async function walkForm(where, model) {
        collect(where, model, { skipTitle: true });
        const tabs = [...document.querySelectorAll(".o_form_view .o_notebook .nav-link")];
        for (const tab of tabs.slice(1)) {
            if (visible(tab)) {
                tab.click();
                await settle();
                const page = tab.closest(".o_notebook").querySelector(".tab-content");
                collect(`${where} › ${tab.innerText.trim()}`, model, { root: page || document.body });
            }
        }
    }

    async function openFirstRecord(where, model, viewType) {
        const selector =
            viewType === "list"
                ? ".o_list_renderer .o_data_row:not(.o_selected_row) td.o_data_cell"
                : ".o_kanban_renderer .o_kanban_record:not(.o_kanban_ghost):not(.o_kanban_quick_create)";
        const first = document.querySelector(selector);
        if (!first) {
            return false;
        }
        first.click();
        await settle();
        const form = action.currentController;
        if (form && form.view && form.view.type === "form") {
            await walkForm(`${where} › form`, model);
            return true;
        }
        await closeDialogs();
        return false;
    }

    let screens = 0;
    for (const menu of config.menus) {
        const where = menu.path;
        current = where;
        const start = Date.now();
        try {
            await closeDialogs();
            await action.doAction(menu.action, { clearBreadcrumbs: true });
            await settle();
            screens++;
            const controller = action.currentController;
            const model = (controller && controller.props && controller.props.resModel) || "";
            if (document.querySelector(".modal .o_form_view")) {
                // a wizard
                await walkForm(`${where} (dialog)`, menu.model || model);
                await closeDialogs();
                continue;
            }
            if (!controller || !controller.view) {
                collect(where, model); // a client action
                continue;
            }
            const types = controller.views.map((v) => v.type);
            const first = controller.view.type;
            if (first === "form") {
                await walkForm(where, model);
                continue;
            }
            collect(`${where} [${first}]`, model);
            let formSeen = false;
            // walked by another role: this role's first view and form only
            for (const type of light.has(menu.action) ? [first] : ["list", "kanban"]) {
                if (!types.includes(type)) {
                    continue;
                }
                if (action.currentController.view.type !== type) {
                    await action.switchView(type);
                    await settle();
                    screens++;
                    collect(`${where} [${type}]`, model);
                }
                if (!formSeen) {
                    formSeen = await openFirstRecord(`${where} [${type}]`, model, type);
                    if (formSeen) {
                        screens++;
                        await action.restore();
                        await settle();
                    }
                }
            }
        } catch (error) {
            console.error(`${where}: ${error.message || error}`);
            return;
        } finally {
            console.log(`CARE_ZH ${where}: ${Date.now() - start} ms`);
        }
    }
    const words = Object.keys(found).sort();
    if (words.length || errors.length) {
        const lines = words.map((w) => `${w}: ${found[w].join(" | ")}`);
        console.error(
            `${words.length} English words on ${screens} screens of ${config.menus.length} menus:\n${lines.join("\n")}` +
                (errors.length ? `\n${errors.length} errors:\n${errors.join("\n")}` : "")
        );
        return;
    }
    console.log(
        `CARE_ZH ${screens} screens of ${config.menus.length} menus in Chinese, ${Date.now() - started} ms`
    );
    console.log("test successful");
};

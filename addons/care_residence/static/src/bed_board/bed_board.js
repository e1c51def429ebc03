/** @odoo-module **/
// The bed board: per floor, a grid of beds coloured by state (the resident
// and care level on taken beds), filters, and the waiting list whose entries
// are dragged onto a free bed to reserve it. The data comes from one server
// call (care.residence.bed.get_board_data); a drop calls one server method
// (care.residence.waiting.action_board_reserve) that checks everything again.
import { Component, onWillStart, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";

export class CareBedBoard extends Component {
    static template = "care_residence.BedBoard";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.notification = useService("notification");
        this.state = useState({
            data: null,
            building: "",
            level: "",
            sex: "",
            unit: "",
            bedState: "",
            dragging: null,
            busy: false,
        });
        onWillStart(() => this.load());
    }

    async load() {
        this.state.data = await this.orm.call(
            "care.residence.bed",
            "get_board_data",
            [],
            { building_id: this.state.building ? parseInt(this.state.building) : false }
        );
    }

    async onBuildingChange(ev) {
        this.state.building = ev.target.value;
        await this.load();
    }

    // the sex a shared room takes: its restriction, or that of its residents
    get roomSexes() {
        const sexes = {};
        for (const bed of this.state.data.beds) {
            if (bed.room_sex) {
                sexes[bed.room] = bed.room_sex;
            } else if (bed.sex && bed.room_type !== "single" && !sexes[bed.room]) {
                sexes[bed.room] = bed.sex;
            }
        }
        return sexes;
    }

    fitsSex(bed, sex, roomSexes) {
        if (!sex || bed.room_type === "single") {
            return true;
        }
        const roomSex = roomSexes[bed.room];
        return !roomSex || roomSex === sex;
    }

    get floors() {
        const data = this.state.data;
        const { level, sex, unit, bedState } = this.state;
        const roomSexes = this.roomSexes;
        const buildings = Object.fromEntries(data.buildings.map((b) => [b.id, b.name]));
        const byFloor = {};
        for (const bed of data.beds) {
            if (bedState && bed.state !== bedState) {
                continue;
            }
            if (unit === "dementia" && !bed.dementia) {
                continue;
            }
            if (unit === "general" && bed.dementia) {
                continue;
            }
            // free and closed beds have no resident: they stay on the board
            // (a free bed only when it may take a resident of that sex)
            if (level && bed.elder && bed.level !== level) {
                continue;
            }
            if (sex && (bed.elder ? bed.sex !== sex : !this.fitsSex(bed, sex, roomSexes))) {
                continue;
            }
            (byFloor[bed.floor] ||= []).push(bed);
        }
        return data.floors
            .filter((floor) => byFloor[floor.id])
            .map((floor) => {
                const beds = byFloor[floor.id];
                return {
                    ...floor,
                    title: `${buildings[floor.building] || ""} / ${floor.name}`,
                    beds,
                    free: beds.filter((bed) => bed.state === "free").length,
                };
            });
    }

    get counts() {
        const counts = {};
        for (const bed of this.state.data.beds) {
            counts[bed.state] = (counts[bed.state] || 0) + 1;
        }
        return this.state.data.states.map((key) => ({
            key,
            label: this.state.data.labels.state[key],
            count: counts[key] || 0,
        }));
    }

    get waiting() {
        const { level, sex } = this.state;
        return this.state.data.waiting.filter(
            (entry) => (!level || entry.level === level) && (!sex || entry.sex === sex)
        );
    }

    label(kind, key) {
        return (key && this.state.data.labels[kind][key]) || "";
    }

    canDrop(bed) {
        const entry = this.state.dragging;
        return (
            entry &&
            bed.state === "free" &&
            this.fitsSex(bed, entry.sex, this.roomSexes)
        );
    }

    bedClass(bed) {
        let classes = `o_care_bed o_care_bed_${bed.state}`;
        if (this.state.dragging) {
            classes += this.canDrop(bed) ? " o_care_bed_drop_ok" : " o_care_bed_drop_no";
        }
        return classes;
    }

    onDragStart(ev, entry) {
        if (!this.state.data.can_reserve) {
            ev.preventDefault();
            return;
        }
        this.state.dragging = entry;
        if (ev.dataTransfer) {
            ev.dataTransfer.effectAllowed = "move";
            ev.dataTransfer.setData("text/plain", String(entry.id));
        }
    }

    onDragEnd() {
        this.state.dragging = null;
    }

    onDragOver(ev, bed) {
        // only a free bed accepts the drop (the server checks the rest)
        if (this.state.dragging && bed.state === "free") {
            ev.preventDefault();
        }
    }

    async onDrop(ev, bed) {
        ev.preventDefault();
        const entry = this.state.dragging;
        this.state.dragging = null;
        if (!entry || bed.state !== "free" || this.state.busy) {
            return;
        }
        this.state.busy = true;
        try {
            await this.orm.call("care.residence.waiting", "action_board_reserve", [
                [entry.id],
                bed.id,
            ]);
            this.notification.add(
                _t("Bed %(bed)s reserved for %(elder)s.", { bed: bed.name, elder: entry.elder }),
                { type: "success" }
            );
        } catch (error) {
            const message = error.data?.message || error.message || String(error);
            this.notification.add(message, {
                type: "danger",
                title: _t("The bed could not be reserved"),
            });
        } finally {
            this.state.busy = false;
        }
        await this.load();
    }

    openBed(bed) {
        this.action.doAction({
            type: "ir.actions.act_window",
            res_model: "care.residence.bed",
            res_id: bed.id,
            views: [[false, "form"]],
        });
    }

    openEntry(entry) {
        this.action.doAction({
            type: "ir.actions.act_window",
            res_model: "care.residence.waiting",
            res_id: entry.id,
            views: [[false, "form"]],
        });
    }

    openCards() {
        this.action.doAction("care_residence.action_care_residence_bed_board");
    }
}

registry.category("actions").add("care_residence.bed_board", CareBedBoard);

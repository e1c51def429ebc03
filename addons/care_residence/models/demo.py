"""The demo home (one function: data, not behaviour)."""

from datetime import timedelta

from odoo import fields

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓"
GIVEN_F = ["秀英", "桂兰", "玉珍", "凤英", "淑华", "素芬"]
GIVEN_M = ["建华", "德明", "国强", "永福", "志刚", "振东"]


def make_demo_home(env):
    env = env(su=True, context={"tracking_disable": True, "mail_notrack": True})
    today = fields.Date.context_today(env["care.residence.bed"])
    company = env.ref("base.main_company")
    building = env["care.residence.building"].create(
        {
            "name": "阳光颐养院",
            "company_id": company.id,
            "meal_price": 1200,
            "deposit_amount": 5000,
            "occupancy_target": 90,
        }
    )
    Floor, Room, Bed = (
        env["care.residence.floor"],
        env["care.residence.room"],
        env["care.residence.bed"],
    )
    floor1 = Floor.create({"name": "一层", "sequence": 1, "building_id": building.id})
    floor2 = Floor.create(
        {"name": "二层 (认知症照护区)", "sequence": 2, "building_id": building.id}
    )
    # floor 1: ten double rooms; floor 2: four doubles, four singles, two
    # four-bed rooms of the dementia unit
    plan = [(floor1, f"1{n:02d}", "double", 2, False) for n in range(1, 11)]
    plan += [(floor2, f"2{n:02d}", "double", 2, False) for n in range(1, 5)]
    plan += [(floor2, f"2{n:02d}", "single", 1, False) for n in range(5, 9)]
    plan += [(floor2, f"2{n:02d}", "multi", 4, True) for n in range(9, 11)]
    beds = Bed
    for index, (floor, name, kind, count, dementia) in enumerate(plan):
        sex = False if kind == "single" else ("female" if index % 2 else "male")
        room = Room.create(
            {
                "name": name,
                "floor_id": floor.id,
                "room_type": kind,
                "sex_restriction": sex,
                "has_bathroom": kind != "multi",
                "accessible": floor == floor1,
                "dementia_unit": dementia,
                "monthly_price": {"single": 3000, "double": 2000, "multi": 1500}[kind],
            }
        )
        for letter in "ABCD"[:count]:
            beds |= Bed.create({"name": letter, "room_id": room.id})
    levels = env["care.residence.care.level"].search(
        [("company_id", "=", company.id)], order="gbt_level"
    )
    Stay = env["care.residence.stay"]
    Elder = env["care.elder"]

    def resident(index, sex):
        given = (GIVEN_F if sex == "female" else GIVEN_M)[index % 6]
        return Elder.create(
            {
                "name": SURNAMES[index % len(SURNAMES)] + given,
                "gender": sex,
                "birth_date": today.replace(year=today.year - 78 - index % 15, day=1),
                "company_id": company.id,
            }
        )

    # the reception sources of the admissions (the referral share report):
    # four in five came through a reception lead, the fifth directly
    Source = env["utm.source"]
    sources = [
        Source.search([("name", "=", name)], limit=1) or Source.create({"name": name})
        for name in ("社区讲座", "社区讲座", "医院转介", "老客户介绍")
    ]
    admissions = [0]

    def referral(stay):
        turn = admissions[0] % 5
        admissions[0] += 1
        if turn == 4:
            return
        lead = env["crm.lead"].create(
            {
                "name": f"入住咨询：{stay.elder_id.name}",
                "type": "opportunity",
                "care_elder_id": stay.elder_id.id,
                "source_id": sources[turn].id,
                "company_id": company.id,
            }
        )
        entry = env["care.residence.waiting"].create(
            {
                "elder_id": stay.elder_id.id,
                "company_id": company.id,
                "lead_id": lead.id,
                "date_request": stay.date_start - timedelta(days=10 + turn * 7),
                "state": "admitted",
                "stay_id": stay.id,
            }
        )
        stay.write({"waiting_id": entry.id})

    def admit(stay, day):
        referral(stay)
        level = levels[stay.id % len(levels)]
        stay.write(
            {
                "state": "admitted",
                "date_admitted": day,
                "care_level_id": level.id,
                "bed_price": stay.room_id.monthly_price,
                "care_price": level.monthly_price,
                "meal_price": building.meal_price,
                "deposit_amount": building.deposit_amount,
            }
        )

    def discharge(stay, day, reason):
        stay.line_ids.write({"date_to": day})
        stay.write(
            {
                "state": "discharged",
                "date_end": day,
                "date_discharged": day,
                "discharge_reason": reason,
            }
        )

    def sex_of(bed):
        return bed.room_id.sex_restriction or ("female" if bed.id % 2 else "male")

    index = 0
    # four residents who left during the year, in beds taken again since
    for bed, reason in zip(
        beds[:4], ("death", "hospital", "home", "other_home"), strict=False
    ):
        elder = resident(index, sex_of(bed))
        index += 1
        start = today - timedelta(days=360 - index * 7)
        stay = Stay.create(
            {"elder_id": elder.id, "bed_id": bed.id, "date_start": start}
        )
        admit(stay, start)
        discharge(stay, start + timedelta(days=60 + index * 20), reason)
    # 31 long-term residents admitted over the year
    occupied = beds[:31]
    for position, bed in enumerate(occupied):
        elder = resident(index, sex_of(bed))
        index += 1
        start = today - timedelta(days=340 - position * 10)
        last = bed.line_ids.filtered("date_to").sorted("date_to")[-1:]
        if last and last.date_to > start:
            start = last.date_to
        stay = Stay.create(
            {"elder_id": elder.id, "bed_id": bed.id, "date_start": start}
        )
        admit(stay, start)
    # a respite stay of three weeks, begun a week ago
    respite_bed = beds[31]
    elder = resident(index, sex_of(respite_bed))
    index += 1
    stay = Stay.create(
        {
            "elder_id": elder.id,
            "bed_id": respite_bed.id,
            "stay_type": "respite",
            "date_start": today - timedelta(days=7),
            "date_end": today + timedelta(days=14),
        }
    )
    admit(stay, today - timedelta(days=7))
    # a bed under repair
    beds[39].write(
        {
            "out_of_service": True,
            "oos_from": today - timedelta(days=3),
            "oos_to": today + timedelta(days=10),
            "oos_reason": "更换护理床",
        }
    )
    # the waiting list: elders of the archive; one has a bed reserved
    Waiting = env["care.residence.waiting"]
    waiting = Waiting
    for offset, xmlid in enumerate(
        (
            "elder_crm.elder_03_demo",
            "elder_crm.elder_05_demo",
            "elder_crm.elder_07_demo",
        )
    ):
        elder = env.ref(xmlid, raise_if_not_found=False)
        if elder:
            waiting |= Waiting.create(
                {
                    "elder_id": elder.id,
                    "company_id": company.id,
                    "date_request": today - timedelta(days=40 - offset * 10),
                    "expected_date": today + timedelta(days=20 + offset * 25),
                    "room_type": "double",
                    "gbt_level": elder.gbt_level,
                }
            )
    if waiting:
        entry = waiting[0]
        free = beds.filtered(
            lambda b: (
                b.state == "free"
                and (
                    b.room_id.room_type == "single"
                    or b.room_id.sex_restriction == entry.elder_id.gender
                )
            )
        )[:1]
        if free:
            entry._reserve(free, today + timedelta(days=10))

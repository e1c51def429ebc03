"""care_reception over XML-RPC against a running server: a script creates an
enquiry and moves it along the funnel; a refused move saves nothing."""

import xmlrpc.client

import pytest


def ref(call, xmlid):
    module, name = xmlid.split(".")
    row = call(
        "ir.model.data",
        "search_read",
        [("module", "=", module), ("name", "=", name)],
        ["res_id"],
    )
    return row[0]["res_id"]


def test_create_a_lead_and_move_it_along_the_funnel(xmlrpc_admin):
    call = xmlrpc_admin
    questionnaire = ref(call, "crm.stage_lead2")
    proposal = ref(call, "care_reception.stage_proposal")
    package = ref(call, "care_reception.package_home_standard")
    lead = call(
        "crm.lead",
        "create",
        {
            "name": "RPC 陈秀英 咨询",
            "type": "opportunity",
            "contact_name": "陈刚",
            "mobile": "13800005555",
            "care_prospect_name": "陈秀英",
            "care_form": "home",
            "stage_id": ref(call, "crm.stage_lead1"),
        },
    )
    call("crm.lead", "write", [lead], {"stage_id": questionnaire})

    with pytest.raises(xmlrpc.client.Fault) as refused:
        call("crm.lead", "write", [lead], {"stage_id": proposal})
    assert "matched package" in refused.value.faultString
    [row] = call("crm.lead", "read", [lead], ["stage_id"])
    assert row["stage_id"][0] == questionnaire, "the refused move saved nothing"

    call(
        "crm.lead",
        "write",
        [lead],
        {"stage_id": proposal, "care_package_id": package},
    )
    history = call(
        "care.lead.stage.history",
        "search_read",
        [("lead_id", "=", lead)],
        ["stage_id", "date_in", "date_out"],
        order="id",
    )
    assert [h["stage_id"][0] for h in history][-2:] == [questionnaire, proposal]
    assert [bool(h["date_out"]) for h in history] == [True, True, False]
    stats = call("care.funnel.report", "stage_times", [("lead_id", "=", lead)])
    assert {s["stage_id"] for s in stats} >= {questionnaire, proposal}

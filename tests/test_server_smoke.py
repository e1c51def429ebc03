"""Smoke test: a real Odoo 18.0 server answers over RPC with elder_crm installed."""

import xmlrpc.client


def test_server_is_odoo_18(odoo_server):
    assert odoo_server.version_info()["server_version_info"][:2] == [18, 0]
    common = xmlrpc.client.ServerProxy(f"{odoo_server.url}/xmlrpc/2/common")
    assert common.version()["server_version_info"][:2] == [18, 0]


def test_elder_crm_installed(rpc):
    modules = rpc.env["ir.module.module"].search_read(
        [("name", "=", "elder_crm")], ["state"]
    )
    assert [m["state"] for m in modules] == ["installed"]

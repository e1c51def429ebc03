"""The telephone system's two doors, over real HTTP: the JSON route with an
API key, and XML-RPC."""

import json
import xmlrpc.client

from odoo.tests import HttpCase, tagged

from .common import DispatchCase


@tagged("post_install", "-at_install")
class TestCtiApi(DispatchCase, HttpCase):
    def key_of(self, user):
        return (
            self.env["res.users.apikeys"]
            .with_user(user)
            .sudo()
            ._generate(None, "PBX", None)
        )

    def post(self, body, key=None, raw=None):
        headers = {"Content-Type": "application/json"}
        if key:
            headers["Authorization"] = f"Bearer {key}"
        return self.url_open(
            "/care/api/v1/calls",
            data=raw if raw is not None else json.dumps(body),
            headers=headers,
        )

    def test_json_route(self):
        key = self.key_of(self.agent)
        response = self.post(
            {"number": "+86 139 0000 2222", "external_id": "PBX-9"}, key
        )
        self.assertEqual(response.status_code, 200, response.text)
        body = response.json()
        self.assertEqual([card["id"] for card in body["elders"]], [self.elder.id])
        call = self.env["care.call"].browse(body["call_id"])
        self.assertEqual(call.user_id, self.agent)
        self.assertEqual(call.external_id, "PBX-9")
        again = self.post({"number": "+86 139 0000 2222", "external_id": "PBX-9"}, key)
        self.assertEqual(again.json()["call_id"], call.id)
        self.assertEqual(self.post({"nothing": 1}, key).status_code, 400)
        self.assertEqual(self.post(None, key, raw="not json").status_code, 400)
        self.assertEqual(self.post({"number": "1"}, "wrong-key").status_code, 401)
        self.assertEqual(self.post({"number": "1"}).status_code, 401)
        self.assertEqual(
            self.post({"number": "1"}, self.key_of(self.receptionist)).status_code, 403
        )

    def test_xmlrpc(self):
        key = self.key_of(self.agent)
        base = self.base_url()
        common = xmlrpc.client.ServerProxy(f"{base}/xmlrpc/2/common")
        uid = common.authenticate(self.env.cr.dbname, self.agent.login, key, {})
        self.assertEqual(uid, self.agent.id)
        models = xmlrpc.client.ServerProxy(f"{base}/xmlrpc/2/object", allow_none=False)
        db = self.env.cr.dbname
        pop = models.execute_kw(
            db, uid, key, "care.call", "cti_incoming", ["13800001111"]
        )
        self.assertEqual(pop["elders"][0]["id"], self.elder.id)
        self.assertTrue(
            models.execute_kw(db, uid, key, "care.call", "cti_hangup", [pop["call_id"]])
        )
        order_id = models.execute_kw(
            db,
            uid,
            key,
            "fsm.order",
            "create",
            [
                {
                    "care_elder_id": self.elder.id,
                    "care_category_id": self.housekeeping.id,
                }
            ],
        )
        ranking = models.execute_kw(
            db, uid, key, "fsm.order", "care_propose_providers", [[order_id]]
        )
        self.assertEqual(ranking[0]["provider_id"], self.cheap.id)

"""The telephone system's two doors, over real HTTP: the JSON route with the
integration user's API key, and XML-RPC."""

import json
import xmlrpc.client

from odoo.tests import HttpCase, new_test_user, tagged

from .common import DispatchCase


@tagged("post_install", "-at_install")
class TestCtiApi(DispatchCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pbx = new_test_user(
            cls.env,
            login="cc_pbx",
            groups="base.group_user,care_dispatch.group_care_cti",
        )

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
        key = self.key_of(self.pbx)
        response = self.post(
            {
                "number": "+86 139 0000 2222",
                "external_id": "PBX-9",
                "agent": self.agent.login,
            },
            key,
        )
        self.assertEqual(response.status_code, 200, response.text)
        body = response.json()
        # the integration learns which elder rang, not the archive
        self.assertEqual(
            body["elders"],
            [{"id": self.elder.id, "code": self.elder.code, "name": self.elder.name}],
        )
        call = self.env["care.call"].browse(body["call_id"])
        self.assertEqual(call.user_id, self.agent)
        self.assertEqual(call.elder_id, self.elder)
        self.assertEqual(call.external_id, "PBX-9")
        again = self.post({"number": "+86 139 0000 2222", "external_id": "PBX-9"}, key)
        self.assertEqual(again.json()["call_id"], call.id)
        self.assertEqual(self.post({"nothing": 1}, key).status_code, 400)
        self.assertEqual(self.post(None, key, raw="not json").status_code, 400)
        self.assertEqual(self.post({"number": "1"}, "wrong-key").status_code, 401)
        self.assertEqual(self.post({"number": "1"}).status_code, 401)
        # a person's key, a dispatcher's included, does not log calls here
        for user in (self.receptionist, self.agent):
            with self.subTest(user=user.login):
                self.assertEqual(
                    self.post({"number": "1"}, self.key_of(user)).status_code, 403
                )

    def test_json_route_refuses_junk(self):
        key = self.key_of(self.pbx)
        Call = self.env["care.call"]
        before = Call.search_count([])
        junk = [
            {"number": {"a": 1}},
            {"number": ["13800001111"]},
            {"number": True},
            {"number": "1" * 41},
            {"number": "138\x00"},
            {"number": "13800001111", "external_id": {"a": 1}},
            {"number": "13800001111", "external_id": "x" * 65},
            {"number": "13800001111", "recording_url": ["http://x"]},
            {"number": "13800001111", "recording_url": "javascript:alert(1)"},
            {"number": "13800001111", "recording_url": "https://x/" + "a" * 2048},
            ["13800001111"],
        ]
        for body in junk:
            with self.subTest(body=str(body)[:60]):
                response = self.post(body, key)
                self.assertEqual(response.status_code, 400, response.text)
                self.assertIn("error", response.json())
        nested = "[" * 4000 + "]" * 4000
        self.assertEqual(self.post(None, key, raw=nested).status_code, 400)
        big = json.dumps({"number": "1" * 1_000_000})
        self.assertEqual(self.post(None, key, raw=big).status_code, 413)
        self.assertEqual(Call.search_count([]), before, "no junk call logged")

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
        # junk is a clear user error, never a traceback
        for method, args in (
            ("cti_incoming", [["x"]]),
            ("cti_incoming", [{"a": 1}]),
            ("cti_incoming", [True]),
            ("cti_hangup", ["abc"]),
            ("cti_hangup", [[1]]),
            ("cti_hangup", [pop["call_id"], ["http://x"]]),
        ):
            with self.subTest(method=method, args=args):
                with self.assertRaises(xmlrpc.client.Fault) as caught:
                    models.execute_kw(db, uid, key, "care.call", method, args)
                # code 2: a warning (UserError); a crash is code 1, a traceback
                self.assertEqual(caught.exception.faultCode, 2)
                self.assertNotIn("Traceback", caught.exception.faultString)
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

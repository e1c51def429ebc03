"""The event endpoint over real HTTP (the test server of HttpCase)."""

import json

from odoo.tests import HttpCase, tagged

ROUTE = "/care/api/v1/events"


@tagged("post_install", "-at_install")
class TestEventsHttp(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        model = cls.env["care.device.model"].create(
            {
                "name": "HTTP watch",
                "vendor": "Test",
                "device_type": "watch",
                "heartbeat_interval": 5,
            }
        )
        cls.elder = cls.env["care.elder"].create({"name": "刘桂兰"})
        cls.elder.action_activate()
        cls.device = cls.env["care.device"].create(
            {"serial": "HTTP-0001", "model_id": model.id}
        )
        cls.other = cls.env["care.device"].create(
            {"serial": "HTTP-0002", "model_id": model.id}
        )
        cls.env["care.device.binding"].create(
            {"device_id": cls.device.id, "elder_id": cls.elder.id}
        )
        Key = cls.env["care.device.api.key"]
        cls.key = Key.create({"name": "HTTP gateway"})
        cls.secret = cls.key._set_new_secret()
        cls.device_key = Key.create(
            {"name": "One device", "scope": "device", "device_ids": [cls.device.id]}
        )
        cls.device_secret = cls.device_key._set_new_secret()

    def post(self, body, key=None, raw=None, header="X-Care-Api-Key"):
        headers = {"Content-Type": "application/json"}
        key = self.secret if key is None else key
        if key:
            headers[header] = key if header != "Authorization" else f"Bearer {key}"
        data = raw if raw is not None else json.dumps(body)
        response = self.url_open(ROUTE, data=data, headers=headers)
        self.assertTrue(
            response.headers["Content-Type"].startswith("application/json"),
            response.text[:300],
        )
        return response.status_code, response.json()

    def event(self, code="sos", **data):
        return {"device_id": self.device.serial, "code": code, **data}

    def test_200_heartbeat(self):
        self.assertEqual(
            self.post(self.event("heartbeat", battery=80)), (200, {"status": "ok"})
        )
        self.assertEqual(self.device.battery, 80)
        self.key.invalidate_recordset(["last_used"])
        self.assertTrue(self.key.last_used, "the key's last use is noted")

    def test_200_event_without_ticket(self):
        status, body = self.post(self.event("geofence_enter", event_uid="h-in"))
        self.assertEqual(status, 200)
        self.assertEqual(body["status"], "processed")
        self.assertNotIn("ticket", body)

    def test_202_with_ticket_then_409_for_the_replay(self):
        status, body = self.post(self.event(event_uid="h-sos-1"))
        self.assertEqual(status, 202)
        ticket = self.env["helpdesk.ticket"].search([("number", "=", body["ticket"])])
        self.assertEqual(ticket.care_elder_id, self.elder)
        status, again = self.post(self.event(event_uid="h-sos-1"))
        self.assertEqual(status, 409)
        self.assertEqual(again["status"], "duplicate")
        self.assertEqual(again["ticket"], body["ticket"])
        self.assertEqual(
            self.env["helpdesk.ticket"].search_count(
                [("care_elder_id", "=", self.elder.id)]
            ),
            1,
        )

    def test_bearer_header_is_accepted(self):
        status, _body = self.post(self.event("heartbeat"), header="Authorization")
        self.assertEqual(status, 200)

    def test_400_invalid_json_and_bad_field(self):
        status, body = self.post(None, raw="{not json")
        self.assertEqual(
            (status, body["error"], body["field"]), (400, "invalid_json", "body")
        )
        status, body = self.post(None, raw='"a string"')
        self.assertEqual((status, body["field"]), (400, "body"))
        status, body = self.post(self.event("teleport", event_uid="x"))
        self.assertEqual((status, body["field"]), (400, "code"))
        self.assertIn("teleport", body["message"])
        status, body = self.post([])
        self.assertEqual((status, body["field"]), (400, "body"))

    def test_401_missing_or_wrong_key(self):
        status, body = self.post(self.event("heartbeat"), key="")
        self.assertEqual((status, body["error"]), (401, "unauthorized"))
        wrong = self.secret[:-2] + ("aa" if not self.secret.endswith("aa") else "bb")
        self.assertEqual(self.post(self.event("heartbeat"), key=wrong)[0], 401)
        self.assertEqual(self.post(self.event("heartbeat"), key="garbage")[0], 401)

    def test_403_revoked_key_or_foreign_device(self):
        status, body = self.post(
            {"device_id": self.other.serial, "code": "heartbeat"},
            key=self.device_secret,
        )
        self.assertEqual((status, body.get("field")), (403, "device_id"), body)
        self.key.action_revoke()
        status, body = self.post(self.event("heartbeat"))
        self.assertEqual((status, body["error"]), (403, "forbidden"))

    def test_404_unknown_device(self):
        status, body = self.post({"device_id": "NOPE", "code": "heartbeat"})
        self.assertEqual((status, body["error"]), (404, "unknown_device"))

    def test_413_body_too_large(self):
        status, body = self.post(None, raw=json.dumps({"raw": "x" * 2_200_000}))
        self.assertEqual((status, body["error"]), (413, "too_large"))

    def test_413_on_the_content_length_before_reading(self):
        """A client announcing a huge body is refused before it is read (a
        raw socket: the body is never sent). 100 MB: above Odoo's own 128 MB
        cap the framework answers before the route is reached."""
        import socket
        from urllib.parse import urlsplit

        url = urlsplit(self.base_url())
        with socket.create_connection((url.hostname, url.port), timeout=10) as sock:
            sock.sendall(
                (
                    f"POST {ROUTE} HTTP/1.1\r\nHost: {url.netloc}\r\n"
                    "Content-Type: application/json\r\n"
                    f"X-Care-Api-Key: {self.secret}\r\n"
                    "Content-Length: 100000000\r\nConnection: close\r\n\r\n{"
                ).encode()
            )
            answer = b""
            while chunk := sock.recv(4096):  # until the server closes
                answer += chunk
            answer = answer.decode(errors="replace")
        self.assertTrue(answer.startswith("HTTP/1.1 413"), answer[:200])
        self.assertIn("too_large", answer)

    def test_400_for_deeply_nested_json_never_500(self):
        for depth in (20, 100_000):
            with self.subTest(depth=depth):
                status, body = self.post(None, raw="[" * depth + "]" * depth)
                self.assertEqual((status, body["field"]), (400, "body"), body)
                self.assertIn("nested", body["message"])
        # a normal event still nests two levels
        status, _body = self.post(
            self.event("location", position={"latitude": 39.9, "longitude": 116.4})
        )
        self.assertEqual(status, 200)

    def test_batch_answers_each_event(self):
        status, body = self.post(
            [
                self.event("heartbeat"),
                self.event("fall", event_uid="h-b-1"),
                self.event("fall", event_uid="h-b-1"),
                {"device_id": "NOPE", "code": "heartbeat"},
                self.event("sos"),
            ]
        )
        self.assertEqual(status, 202)
        codes = [(r["index"], r["status_code"]) for r in body["results"]]
        self.assertEqual(codes, [(0, 200), (1, 202), (2, 409), (3, 404), (4, 400)])
        self.assertEqual(body["results"][4]["field"], "event_uid")

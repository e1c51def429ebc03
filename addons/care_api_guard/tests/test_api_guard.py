"""The guard with the database up (the database-down answers are proven
against a real PostgreSQL restart in tests/faults/)."""

import json

import psycopg2

from odoo.http import HttpDispatcher
from odoo.tests import HttpCase, tagged

from ..hooks import is_database_fault


@tagged("post_install", "-at_install")
class TestApiGuard(HttpCase):
    def test_unknown_api_path_is_a_json_404(self):
        response = self.url_open(
            "/care/api/v1/no-such-route",
            data=b"{}",
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json()["error"], "not_found")
        self.assertNotIn("Retry-After", response.headers)

    def test_unknown_sms_callback_path_is_a_json_404(self):
        response = self.url_open("/care_sms/no-such-callback", data=b"{}")
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json()["error"], "not_found")

    def test_other_paths_keep_odoo_answers(self):
        response = self.url_open("/care/no-such-page")
        self.assertEqual(response.status_code, 404)
        self.assertIn("text/html", response.headers["Content-Type"])

    def test_error_hook_is_installed_once(self):
        self.assertTrue(getattr(HttpDispatcher.handle_error, "_care_api_guard", False))

    def test_only_a_lost_database_is_a_fault(self):
        lost = psycopg2.OperationalError("server closed the connection unexpectedly")
        self.assertTrue(is_database_fault(lost))
        self.assertTrue(is_database_fault(psycopg2.InterfaceError("closed")))
        wrapped = RuntimeError("registry")
        wrapped.__cause__ = lost
        self.assertTrue(is_database_fault(wrapped))
        self.assertFalse(is_database_fault(ValueError("bad input")))
        self.assertFalse(is_database_fault(json.JSONDecodeError("x", "", 0)))

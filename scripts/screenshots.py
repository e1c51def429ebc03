#!/usr/bin/env python3
"""Retake the README's screenshots from a running `make run` server.

    scripts/screenshots.py [--url http://localhost:8069] [--db elder_care]
                           [--out docs/screenshots] [NAME ...]

Headless Chromium (Debian's ``chromium``) driven over the DevTools protocol:
each screen is opened as the demo login that works there (password = login),
in the users' own language, and saved as ``<out>/<name>.png``. Records are
found over XML-RPC by their demo data, so the script works on any database
made by ``make run``. Without names, every screen is taken.
"""

import argparse
import base64
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import xmlrpc.client
from pathlib import Path

import websocket

ROOT = Path(__file__).resolve().parent.parent


def elder(rpc, name):
    return rpc("care.elder", "search", [("name", "=", name)], limit=1)[0]


def first(model, domain=(), order=None):
    def find(rpc):
        kw = {"limit": 1}
        if order:
            kw["order"] = order
        return rpc(model, "search", list(domain), **kw)[0]

    return find


# name: (login, url or url(rpc), width, height, javascript run once loaded)
def click_text(text, selector="a, button, .nav-link, span"):
    return (
        f"for (const el of document.querySelectorAll({json.dumps(selector)}))"
        f" {{ if (el.textContent.trim() === {json.dumps(text)}) {{ el.click(); break; }} }}"
    )


TAB = ".o_notebook .nav-link"

SHOTS = {
    "elders_kanban": (
        "reception",
        "/odoo/action-elder_crm.care_elder_action",
        1440,
        900,
        None,
    ),
    "elders_list": (
        "reception",
        "/odoo/action-elder_crm.care_elder_action?view_type=list",
        1440,
        900,
        None,
    ),
    "elder_form": (
        "reception",
        lambda rpc: f"/odoo/action-elder_crm.care_elder_action/{elder(rpc, '刘德明')}",
        1440,
        900,
        None,
    ),
    "elder_household": (
        "reception",
        lambda rpc: f"/odoo/action-elder_crm.care_elder_action/{elder(rpc, '刘德明')}",
        1440,
        900,
        click_text("家庭", TAB),
    ),
    "vouchers_elder_tab": (
        "finance",
        lambda rpc: f"/odoo/action-elder_crm.care_elder_action/{elder(rpc, '刘德明')}",
        1400,
        900,
        click_text("服务券", TAB)
        + "; document.querySelector('.o_notebook').scrollIntoView();",
    ),
    "assessments_list": (
        "reception",
        "/odoo/action-elder_crm.care_assessment_action",
        1440,
        900,
        None,
    ),
    "vouchers_reconciliation": (
        "finance",
        "/odoo/action-care_vouchers.care_voucher_report_action",
        1400,
        640,
        None,
    ),
    "dispatch_board": (
        "dispatcher",
        "/odoo/action-care_dispatch.fsm_order_action_care",
        1600,
        860,
        None,
    ),
    "alarms_list": (
        "emergency",
        "/odoo/action-care_devices.helpdesk_ticket_alarm_action?view_type=list",
        1440,
        1300,
        None,
    ),
    "reception_pipeline": (
        "reception",
        "/odoo/action-care_reception.crm_lead_action_reception",
        1400,
        900,
        None,
    ),
    "dispatch_proposal": (
        "dispatcher",
        lambda rpc: (
            "/odoo/action-care_dispatch.fsm_order_action_care/"
            + str(first("fsm.order", [("name", "=", "FO025")])(rpc))
        ),
        1400,
        700,
        click_text("推荐服务商", "button"),
    ),
    "alarm_ticket": (
        "emergency",
        lambda rpc: (
            "/odoo/action-care_devices.helpdesk_ticket_alarm_action/"
            + str(first("helpdesk.ticket", [("care_alarm_kind", "=", "sos")])(rpc))
        ),
        1440,
        1300,
        None,
    ),
    "assessment_form": (
        "reception",
        lambda rpc: (
            "/odoo/action-elder_crm.care_assessment_action/"
            + str(first("care.assessment", [("state", "=", "done")], "id")(rpc))
        ),
        1440,
        1500,
        None,
    ),
    "reception_lead_questionnaire": (
        "reception",
        lambda rpc: (
            "/odoo/action-care_reception.crm_lead_action_reception/"
            + str(first("crm.lead", [("name", "like", "马凤珍")])(rpc))
        ),
        1400,
        900,
        click_text("问卷", TAB),
    ),
    "reception_funnel": (
        "reception",
        "/odoo/action-care_reception.care_funnel_report_action",
        1400,
        900,
        None,
    ),
    "map_dispatcher": (
        "dispatcher",
        "/odoo/action-care_map.action_care_map",
        1440,
        900,
        None,
    ),
    "map_desk": (
        "emergency",
        "/odoo/action-care_map.action_care_map",
        1440,
        900,
        None,
    ),
    "residence_bed_board": (
        "reception",
        "/odoo/action-care_residence.action_care_residence_bed_board_client",
        1600,
        1000,
        None,
    ),
    "plans_subscriptions": (
        "finance",
        "/odoo/action-care_plans.care_plan_subscription_action",
        1440,
        700,
        None,
    ),
    "alarm_ladder": (
        "emergency",
        lambda rpc: (
            "/odoo/action-care_devices.helpdesk_ticket_alarm_action/"
            + str(
                first(
                    "helpdesk.ticket",
                    [
                        ("care_alarm_kind", "=", "sos"),
                        ("care_ack_date", "!=", False),
                        ("closed", "=", False),
                    ],
                )(rpc)
            )
        ),
        1440,
        1300,
        None,
    ),
    "alarm_status_page": (
        None,
        lambda rpc: (
            "/care/alarm/"
            + rpc(
                "helpdesk.ticket",
                "search_read",
                [("care_sms_token", "!=", False)],
                ["care_sms_token"],
                limit=1,
            )[0]["care_sms_token"]
        ),
        375,
        700,
        None,
    ),
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    def __init__(self):
        self.profile = tempfile.mkdtemp(prefix="care-shots-")
        self.port = free_port()
        self.proc = subprocess.Popen(
            [
                shutil.which("chromium") or "chromium",
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--lang=zh-CN",
                f"--remote-debugging-port={self.port}",
                f"--user-data-dir={self.profile}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/json") as r:
                    pages = [p for p in json.load(r) if p["type"] == "page"]
                if pages:
                    break
            except OSError:
                pass
            time.sleep(0.1)
        self.ws = websocket.create_connection(
            pages[0]["webSocketDebuggerUrl"], timeout=60
        )
        self.seq = 0
        self.send("Page.enable")

    def send(self, method, **params):
        self.seq += 1
        self.ws.send(json.dumps({"id": self.seq, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.seq:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})

    def js(self, expression):
        result = self.send("Runtime.evaluate", expression=expression, awaitPromise=True)
        return result.get("result", {}).get("value")

    def goto(self, url):
        self.send("Page.navigate", url=url)
        self.wait("document.readyState === 'complete'")

    def wait(self, condition, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.js(f"!!({condition})"):
                return True
            time.sleep(0.2)
        return False

    def close(self):
        self.ws.close()
        self.proc.terminate()
        self.proc.wait(timeout=10)
        shutil.rmtree(self.profile, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--db", default="elder_care")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("names", nargs="*")
    args = parser.parse_args()
    names = args.names or list(SHOTS)
    unknown = set(names) - set(SHOTS)
    if unknown:
        sys.exit(f"unknown screens: {', '.join(sorted(unknown))}")

    common = xmlrpc.client.ServerProxy(f"{args.url}/xmlrpc/2/common")
    models = xmlrpc.client.ServerProxy(f"{args.url}/xmlrpc/2/object", allow_none=True)
    uid = common.authenticate(args.db, "admin", "admin", {})

    def rpc(model, method, *a, **kw):
        return models.execute_kw(args.db, uid, "admin", model, method, list(a), kw)

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    browser = Browser()
    try:
        for name in names:
            login, url, width, height, script = SHOTS[name]
            if callable(url):
                url = url(rpc)
            browser.send("Network.clearBrowserCookies")
            browser.send(
                "Emulation.setDeviceMetricsOverride",
                width=width,
                height=height,
                deviceScaleFactor=1,
                mobile=width < 500,
            )
            if login:  # None: a public page, as anybody on the internet
                browser.goto(f"{args.url}/web/login?db={args.db}")
                browser.js(
                    f"document.querySelector('#login').value = {json.dumps(login)};"
                    f"document.querySelector('#password').value = {json.dumps(login)};"
                    "document.querySelector('form.oe_login_form').submit();"
                )
                time.sleep(1)
                browser.wait("document.readyState === 'complete'")
            browser.goto(args.url + url)
            if url.startswith("/odoo"):
                browser.wait(
                    "document.querySelector('.o_action_manager .o_view_controller')"
                    " || document.querySelector('.o_action_manager .o_action')"
                )
            time.sleep(2)
            # notifications (e.g. "this page is outdated" after an upgrade)
            # are not part of the screen
            browser.js(
                "const style = document.createElement('style');"
                "style.textContent = '.o_notification_manager { display: none !important; }';"
                "document.head.appendChild(style);"
            )
            if script:
                browser.js(script)
                time.sleep(2)
            shot = browser.send("Page.captureScreenshot", format="png")
            (out / f"{name}.png").write_bytes(base64.b64decode(shot["data"]))
            print(f"{name}: {login or 'public'} {url} -> {out / name}.png")
    finally:
        browser.close()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""A device gateway simulator: replays a day of device events to care_devices.

It builds, for the given device serials, the day a district's devices send a
gateway: heartbeats every 30 minutes with a draining battery, position
updates, blood-pressure / glucose / heart-rate readings (mostly normal, some
out of range), a few SOS presses (one pressed twice within minutes, which
must join one ticket), a fall, a low-battery report and a geofence exit, and
posts them to ``POST /care/api/v1/events`` in batches, as a gateway does.
``--resend-share`` sends a share of the events a second time, as a gateway
retrying after a timeout: the server must answer 409 and open no second
ticket.

    python3 scripts/devices_gateway_sim.py --url http://127.0.0.1:8069 \\
        --key cdk_... --devices 860000000000001,860000000000002

Standard library only. Importable: ``build_day()`` and ``replay()``.
Exit code 1 when an answer was an error (any 4xx but 409, or 5xx).
"""

import argparse
import json
import random
import sys
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone

CHINA = timezone(timedelta(hours=8))
ROUTE = "/care/api/v1/events"
# around Beijing's Dongcheng district
HOME = (39.9219, 116.4436)


@dataclass
class Summary:
    sent: int = 0
    accepted: int = 0  # 200
    tickets: int = 0  # 202
    duplicates: int = 0  # 409
    errors: list = field(default_factory=list)  # (status, body)
    ticket_numbers: set = field(default_factory=set)
    by_code: Counter = field(default_factory=Counter)
    resent: int = 0  # events sent a second time
    resent_with_uid: int = 0  # of which carry an event_uid (answer: 409)

    def add(self, event, status, body):
        self.sent += 1
        self.by_code[event.get("code")] += 1
        if status == 200:
            self.accepted += 1
        elif status == 202:
            self.tickets += 1
        elif status == 409:
            self.duplicates += 1
        else:
            self.errors.append((status, body))
        if isinstance(body, dict) and body.get("ticket"):
            self.ticket_numbers.add(body["ticket"])

    def line(self):
        return (
            f"sent {self.sent}: {self.accepted} accepted, {self.tickets} with a "
            f"ticket, {self.duplicates} duplicates, {len(self.errors)} errors; "
            f"{len(self.ticket_numbers)} distinct tickets"
        )


def build_day(serials, seed=1, day=None):
    """The events of one day for ``serials``, in time order (deterministic).

    ``day`` (a date, default today in China) is spread in Asia/Shanghai time;
    no event is later than now.
    """
    rng = random.Random(seed)
    now = datetime.now(UTC)
    day = day or now.astimezone(CHINA).date()
    start = datetime.combine(day, time(0, 0), tzinfo=CHINA)
    events = []

    def at(minute):
        moment = start + timedelta(minutes=minute)
        return min(moment, now).isoformat(timespec="seconds")

    def uid(serial, kind, n):
        return f"sim-{seed}-{day:%Y%m%d}-{serial}-{kind}-{n}"

    def position(jitter=0.01):
        return {
            "latitude": round(HOME[0] + rng.uniform(-jitter, jitter), 6),
            "longitude": round(HOME[1] + rng.uniform(-jitter, jitter), 6),
            "accuracy": rng.choice((8, 12, 25, 60, 150)),
            "fix_type": rng.choice(("gps", "gps", "wifi", "lbs")),
        }

    for index, serial in enumerate(serials):
        battery = rng.randint(70, 100)
        offset = rng.randint(0, 29)
        for minute in range(offset, 24 * 60, 30):
            battery = max(battery - rng.choice((0, 0, 1, 1, 2)), 25)
            events.append(
                {
                    "device_id": serial,
                    "code": "heartbeat",
                    "battery": battery,
                    "device_time": at(minute),
                }
            )
        for minute in range(offset + 60, 24 * 60, 180):
            events.append(
                {
                    "device_id": serial,
                    "code": "location",
                    "device_time": at(minute),
                    "position": position(),
                }
            )
        for n, minute in enumerate((7 * 60 + offset, 19 * 60 + offset)):
            vitals = {
                "systolic": rng.randint(112, 150),
                "diastolic": rng.randint(68, 92),
                "heart_rate": rng.randint(58, 96),
            }
            if index % 7 == 3 and n == 1:
                vitals.update(systolic=186, diastolic=104)  # hypertension alert
            events.append(
                {
                    "device_id": serial,
                    "code": "vitals",
                    "event_uid": uid(serial, "bp", n),
                    "device_time": at(minute),
                    "vitals": vitals,
                }
            )
        glucose = round(rng.uniform(4.8, 9.5), 1)
        if index % 9 == 4:
            glucose = 3.4  # hypoglycaemia
        events.append(
            {
                "device_id": serial,
                "code": "vitals",
                "event_uid": uid(serial, "glu", 0),
                "device_time": at(6 * 60 + 30 + offset),
                "vitals": {"glucose": glucose},
            }
        )
        if index % 5 == 0:  # an SOS press, pressed again two minutes later
            minute = 9 * 60 + rng.randint(0, 400)
            for n in range(2 if index % 10 == 0 else 1):
                events.append(
                    {
                        "device_id": serial,
                        "code": "sos",
                        "event_uid": uid(serial, "sos", n),
                        "device_time": at(minute + 2 * n),
                        "battery": battery,
                        "position": position(0.002),
                        "raw": f"[3G*{serial}*0009*AL,{day:%d%m%y},A]",
                    }
                )
        if index % 11 == 1:
            events.append(
                {
                    "device_id": serial,
                    "code": "fall",
                    "event_uid": uid(serial, "fall", 0),
                    "device_time": at(15 * 60 + offset),
                    "position": position(0.002),
                }
            )
        if index % 13 == 2:
            events.append(
                {
                    "device_id": serial,
                    "code": "low_battery",
                    "event_uid": uid(serial, "bat", 0),
                    "device_time": at(21 * 60 + offset),
                    "battery": 9,
                }
            )
        if index % 17 == 3:
            events.append(
                {
                    "device_id": serial,
                    "code": "geofence_exit",
                    "event_uid": uid(serial, "geo", 0),
                    "device_time": at(16 * 60 + offset),
                    "position": position(0.05),
                }
            )
    events.sort(key=lambda e: e["device_time"])
    return events


def post(url, key, body, timeout=60):
    """POST ``body`` (an event or a list); return (status, decoded answer)."""
    request = urllib.request.Request(
        url.rstrip("/") + ROUTE,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "X-Care-Api-Key": key},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        try:
            return error.code, json.load(error)
        except ValueError:
            return error.code, {"error": error.reason}


def replay(url, key, events, batch=50, resend_share=0.0, concurrency=1, seed=1):
    """Post ``events`` in batches; resend a share of them. Returns a Summary.

    Batches of one device keep their order; with ``concurrency`` > 1 the
    batches are sent by that many threads (events of one device may then
    arrive out of order, as they do from real gateways).
    """
    rng = random.Random(seed)
    summary = Summary()
    chunks = [events[i : i + batch] for i in range(0, len(events), batch)]
    resend = [e for e in events if rng.random() < resend_share]
    chunks += [resend[i : i + batch] for i in range(0, len(resend), batch)]
    summary.resent = len(resend)
    summary.resent_with_uid = sum(1 for e in resend if e.get("event_uid"))

    def send(chunk):
        status, body = post(url, key, chunk if batch > 1 else chunk[0])
        return chunk, status, body

    with ThreadPoolExecutor(max_workers=max(concurrency, 1)) as pool:
        for chunk, status, body in pool.map(send, chunks):
            if batch > 1 and isinstance(body, dict) and "results" in body:
                for result in body["results"]:
                    event = chunk[result["index"]]
                    summary.add(event, result["status_code"], result)
            elif batch > 1:
                for event in chunk:
                    summary.add(event, status, body)
            else:
                summary.add(chunk[0], status, body)
    return summary


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8069")
    parser.add_argument("--key", required=True, help="the gateway's API key")
    parser.add_argument(
        "--devices", required=True, help="device serials / IMEIs, comma separated"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--day", type=date.fromisoformat, help="the day replayed (default today)"
    )
    parser.add_argument("--batch", type=int, default=50, help="events per POST")
    parser.add_argument("--resend-share", type=float, default=0.0)
    parser.add_argument("--concurrency", type=int, default=1)
    args = parser.parse_args(argv)
    serials = [s.strip() for s in args.devices.split(",") if s.strip()]
    events = build_day(serials, seed=args.seed, day=args.day)
    summary = replay(
        args.url,
        args.key,
        events,
        batch=args.batch,
        resend_share=args.resend_share,
        concurrency=args.concurrency,
        seed=args.seed,
    )
    print(summary.line())
    print(
        "by code: " + ", ".join(f"{c} {n}" for c, n in sorted(summary.by_code.items()))
    )
    for status, body in summary.errors[:10]:
        print(f"error {status}: {body}", file=sys.stderr)
    return 1 if summary.errors else 0


if __name__ == "__main__":
    sys.exit(main())

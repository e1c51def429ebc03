"""Fixtures of the fault tests (``make test-faults``; see docs/scaling.md).

They run on a PostgreSQL cluster of their own (scripts/cluster.sh: a private
primary the tests may restart, and a streaming replica made by
scripts/replica.sh), never on the project's shared one. Skipped unless
CARE_FAULTS=1 (``make test-faults`` sets it): ``make test`` collects tests/
and these take minutes.
"""

import os
import time

import pytest

from .harness import Cluster, api_key, demo_serials

if os.environ.get("CARE_FAULTS") != "1":
    collect_ignore_glob = ["test_*.py"]


@pytest.fixture(scope="session")
def cluster():
    """The private primary with a fresh copy of the suite's database
    (the template is installed once and kept while the addons are unchanged),
    and two nodes on it; stopped at the end."""
    c = Cluster()
    c.make_db(f"care_faults_{os.getpid()}")
    c.start(nodes=2)
    yield c
    c.stop()
    c.sql(f'DROP DATABASE IF EXISTS "{c.db}" WITH (FORCE)', db="postgres")


@pytest.fixture
def nodes(cluster):
    """Both nodes running (tests that kill one leave it to be restarted)."""
    cluster.start(nodes=2)
    return cluster


@pytest.fixture(scope="session")
def admin(cluster):
    # session fixtures come before `nodes`: a node an earlier test killed is
    # started again here too
    cluster.start(nodes=2)
    return cluster.rpc(1)


@pytest.fixture(scope="session")
def gateway_key(admin):
    return api_key(admin, f"Fault tests {time.time_ns()}")


@pytest.fixture(scope="session")
def serials(admin):
    found = demo_serials(admin)
    assert len(found) >= 20, "the demo data binds 30 devices"
    return found

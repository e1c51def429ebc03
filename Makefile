# Elder care suite: Odoo 18.0 Community addons.
#   make run            start Odoo with every addon installed, demo data loaded
#                       (http://localhost:8069, login admin / admin)
#   make test           install every addon in a throwaway database, check the
#                       install log, run all tests (pytest-odoo + tests/)
#   make test ADDONS=elder_crm   one addon (and its dependencies) and its tests
#   make lint           ruff and OCA's pylint-odoo checks (requirements-dev.txt)
#   make setup          prepare Python, PostgreSQL and config/local.conf only
#   make bench          a benchmark (BENCH=lookup|reception|dispatch|devices|faults|all)
#                       in its own database (care_bench, care_bench_<name>)
#   make run PROD=1     make run in production mode (workers, websocket on
#                       GEVENT_PORT 8072, proxy_mode, limits; docs/deploy.md)
#   make test-faults    the fault and scale-out tests (tests/faults: two nodes, a
#                       replica, kills, a PostgreSQL restart) on a private
#                       PostgreSQL cluster (scripts/cluster.sh; docs/scaling.md)
#   make cluster        two Odoo nodes (+ a streaming replica with REPLICA=1) on
#                       the private cluster, database CLUSTER_DB (care_cluster);
#                       make cluster-stop stops them
#   make backup         dump DB and its filestore into one timestamped archive
#                       in BACKUP_DIR (default var/backups)
#   make restore FILE=archive.zip   restore it (into DB; FORCE=1 replaces an
#                       existing database, COPY=1, NEUTRALIZE=1)
#   make upgrade        back up DB, upgrade the suite's addons installed in it
#                       and check the log (BACKUP=0 skips the backup)
#   make stop           stop the project-local PostgreSQL
#   make db-drop        drop make run's database (DB) and its filestore
#   make db-drop-tests  drop test databases kept by KEEP_DB=1
#   make clean          stop PostgreSQL, remove its data (.pgdata), var/, .state/
#                       and config/local.conf
#   make distclean      clean, and remove .venv
# Variables: DB (make run's database, default elder_care), ADDONS=a,b,
# KEEP_DB=1, EXTRA_ADDONS_PATH=dir1:dir2, HTTP_PORT, ODOO_ARGS (extra server
# options for make run, e.g. --dev=all), PYTEST_ADDOPTS, BENCH, BENCH_DB, BENCH_ARGS.
SHELL := /bin/bash
export DB ?= elder_care

.PHONY: help run test test-faults cluster cluster-stop lint setup bench backup restore upgrade stop db-drop db-drop-tests clean distclean

help:
	@sed -n 's/^#  //p' Makefile

run:
	@scripts/run.sh $(ODOO_ARGS)

test:
	@scripts/test.sh

test-faults:
	@scripts/setup.sh && CARE_FAULTS=1 "$$(cat .state/python)" -m pytest -c pytest.ini --rootdir=. \
		-p no:odoo tests/faults

cluster:
	@scripts/setup.sh && scripts/cluster.sh up "$${CLUSTER_DB:-care_cluster}" "$${NODES:-2}"

cluster-stop:
	@scripts/cluster.sh stop

lint:
	@scripts/lint.sh

setup:
	@scripts/setup.sh

bench:
	@scripts/bench.sh

backup:
	@scripts/backup.sh

restore:
	@scripts/restore.sh "$(FILE)"

upgrade:
	@scripts/upgrade.sh

stop:
	@scripts/pg.sh stop

db-drop:
	@scripts/db_drop.sh "$(DB)"

db-drop-tests:
	@scripts/db_drop.sh --tests

clean:
	scripts/pg.sh destroy
	rm -rf var .state config/local.conf

distclean: clean
	rm -rf .venv

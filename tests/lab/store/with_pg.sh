#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# with_pg.sh - runs a store test (tests/unit/test_store_common.c, tests/web/fleet.py)
# against a real PostgreSQL server started for it (pg_server.sh) and stopped
# afterwards, its URL in PL_TEST_DB: the same tests that run against SQLite elsewhere.
# Usage: with_pg.sh COMMAND [ARGS...]
set -euo pipefail
# shellcheck source=tests/lab/store/pg_server.sh
. "$(dirname "$0")/pg_server.sh"
PL_TEST_DB=$PG_URL "$@"

#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# with_pg.sh - runs a store test binary (tests/unit/test_store_common.c) against a real
# PostgreSQL server started for it (pg_server.sh) and stopped afterwards: the same
# tests that run against SQLite in the unit suite.
# Usage: with_pg.sh TEST_BINARY
set -euo pipefail
BIN=$(realpath "$1")
# shellcheck source=tests/lab/store/pg_server.sh
. "$(dirname "$0")/pg_server.sh"
PL_TEST_DB=$PG_URL "$BIN"

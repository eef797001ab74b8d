#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Browser tests: being written.
exit 77

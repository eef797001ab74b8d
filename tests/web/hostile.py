#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Hostile-input tests: being written.
import sys
sys.exit(77)

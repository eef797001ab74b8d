// SPDX-License-Identifier: MIT
/*
 * builtin.c - access to the knowledge table generated from data/knowledge/ (*.kb files) by
 * tools/gen-kb.c (kept apart from kb.c, which the generator links before the table exists).
 */
#include "knowledge/kb_impl.h"

const struct pl_kb *
pl_kb_builtin(void)
{
	return &pl_kb_builtin_table;
}

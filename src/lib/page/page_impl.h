/* SPDX-License-Identifier: MIT */
/*
 * page/page_impl.h - internal split of the page builder: page.c gathers facts,
 * advice.c writes the "how to check" commands and the FAQ from them.
 */
#ifndef PL_PAGE_IMPL_H
#define PL_PAGE_IMPL_H

#include "portlens/page.h"
#include "shared/buf.h"

enum pl_rc pl_page_build_checks(struct pl_page *page);
enum pl_rc pl_page_build_faq(struct pl_page *page);
/* Appends the page as JSON (see pl_page_json). */
void pl_page_json_append(const struct pl_page *page, struct pl_buf *out, int pretty);

#endif

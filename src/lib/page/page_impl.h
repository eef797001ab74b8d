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

/* live.c: fills page->live from this machine's sockets (portlens/sockets.h). Returns
 * PL_OK (also when sockets could not be read: live->error says why) or PL_ERR_NOMEM. */
enum pl_rc pl_page_build_live(struct pl_page *page, const char *proc_root);
void pl_page_live_free(struct pl_page_live *live);

#endif

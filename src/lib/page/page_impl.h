/* SPDX-License-Identifier: MIT */
/*
 * page/page_impl.h - internal split of the page builder: page.c gathers facts,
 * advice.c writes the "how to check" commands and the FAQ from them.
 */
#ifndef PL_PAGE_IMPL_H
#define PL_PAGE_IMPL_H

#include "portlens/page.h"
#include "core/buf.h"

/* text.c: the sentences the builder writes, per language (see pli_page_text). */
enum pli_page_text {
	PG_Q_DANGEROUS,
	PG_Q_WHY_OPEN,
	PG_Q_FIND_OWNER,
	PG_Q_CLOSE,
	PG_Q_PORT_ZERO,
	PG_A_RATED,
	PG_A_NOTES_ONLY,
	PG_A_NOTHING,
	PG_A_DANGER_TAIL,
	PG_A_ASSIGNS,
	PG_A_ASSIGN_TO,
	PG_A_AND,
	PG_A_LIST_SEP,
	PG_A_UNREGISTERED,
	PG_A_ALSO_USED,
	PG_A_EPHEMERAL,
	PG_A_OWNER_TELLS,
	PG_A_FIND_OWNER,
	PG_A_CLOSE,
	PG_A_PORT_ZERO,
	PG_C_LISTENING,
	PG_C_CONNECTED,
	PG_C_OWNER,
	PG_C_OLDER,
	PG_C_UDP_BOUND,
	PG_C_ALL,
	PG_C_PIDS,
	PG_C_OWNER_PS,
	PG_C_UDP_PS,
	PG_C_REACHABLE,
	PG_C_REACHABLE_UDP,
	PG_C_HERE,
	PG_C_SCAN,
	PG_P_REMOTE,
	PG_W_ASSIGNED,
	PG_W_UNASSIGNED,
	PG_W_RESERVED,
	PG_W_NOT_IN_REGISTRY,
	PG_W_LINUX_DEFAULT,
	PG_W_BUILTIN,
	PG_COUNT,
};

/* The template for id in lang (English when that language lacks it). Static. */
const char *pli_page_text(enum pli_page_text id, enum pl_lang lang);
/* Nonzero when every table of text.c is complete (tests). */
int pli_page_text_complete(enum pl_lang lang);

/* pl_page_summary in a given language (the JSON keeps English whatever the page's). */
void pli_page_summary_in(const struct pl_page *page, enum pl_lang lang, char *buf, size_t size);

enum pl_rc pli_page_build_checks(struct pl_page *page);
enum pl_rc pli_page_build_faq(struct pl_page *page);
/* Appends the page as JSON (see pl_page_json). */
void pli_page_json_append(const struct pl_page *page, struct pl_buf *out, int pretty);

/* live.c: fills page->live from this machine's sockets (portlens/sockets.h). Returns
 * PL_OK (also when sockets could not be read: live->error says why) or PL_ERR_NOMEM. */
enum pl_rc pli_page_build_live(struct pl_page *page, const char *proc_root);
void pli_page_live_free(struct pl_page_live *live);

#endif

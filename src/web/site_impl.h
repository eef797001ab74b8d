/* SPDX-License-Identifier: MIT */
/*
 * web/site_impl.h - the static site writer, split between site.c (the page frame and the
 * port pages) and site_files.c (index pages, sitemap, search indexes, assets, the driver).
 */
#ifndef PL_WEB_SITE_IMPL_H
#define PL_WEB_SITE_IMPL_H

#include "web/web_impl.h"

struct site {
	struct pl_web web; /* only cfg.reg and cfg.kb are set: what the renderers read */
	const char *dir;
	char base[512];     /* base URL ending in "/", or "" */
	char feedback[512]; /* serve instance URL without a trailing "/", or "" */
	const uint16_t *ports;
	size_t n_ports;
	struct pl_site_stats stats;
	struct pl_err *err;
};

/* Sets err to "WHAT PATH: strerror(e)" with its errno; returns PL_ERR_SYS. */
enum pl_rc site_sys_err(struct pl_err *err, int e, const char *what, const char *path);
enum pl_rc site_mkdir(const char *path, struct pl_err *err);
/* Writes b to path and counts it. */
enum pl_rc site_write(struct site *s, const char *path, const struct pl_buf *b);
void site_frame_begin(struct site *s, struct pl_buf *b, const struct web_lang *l, const char *title,
                      const char *up, const char *path);
void site_frame_end(struct site *s, struct pl_buf *b, const struct web_lang *l);
/* DIR/LANG/port/PORT.html. */
enum pl_rc site_port_page(struct site *s, const struct web_lang *l, uint16_t port);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * web/assets.h - the CSS and JavaScript embedded at build time (gen_assets.c writes the
 * table from src/web/assets/). Served under /static/NAME with a strong ETag.
 */
#ifndef PL_WEB_ASSETS_H
#define PL_WEB_ASSETS_H

#include <stddef.h>

struct web_asset {
	const char *name; /* "app.css" */
	const char *mime;
	const unsigned char *data;
	size_t len;
	const char *etag; /* quoted, e.g. "\"0123abcd...\"" */
};

extern const struct web_asset web_assets[];
extern const unsigned web_assets_count;

#endif

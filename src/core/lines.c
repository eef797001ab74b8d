// SPDX-License-Identifier: MIT
/*
 * lines.c - bounded line reader (see lines.h). Reads in 4 KiB chunks and copies bytes
 * into one line buffer of max_line + 1 bytes, so neither a file without newlines nor an
 * endless stream of short lines makes it hold more than one line.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/lines.h"

enum pl_rc
pli_lines_read(FILE *fp, size_t max_line, const char *source, pl_line_fn fn, void *ctx,
               struct pl_err *err)
{
	char chunk[4096];
	char *line = malloc(max_line + 1);
	size_t len = 0, n;
	unsigned lineno = 1;
	enum pl_rc rc = PL_OK;

	if (!line)
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	while (rc == PL_OK && (n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		for (size_t i = 0; i < n && rc == PL_OK;) {
			const char *nl = memchr(chunk + i, '\n', n - i);
			size_t take = nl ? (size_t)(nl - (chunk + i)) : n - i;

			if (take > max_line - len) {
				rc = pl_err_set_at(err, PL_ERR_LIMIT, source, lineno, 0,
				                   "line longer than %zu bytes", max_line);
				break;
			}
			memcpy(line + len, chunk + i, take);
			len += take;
			i += take;
			if (!nl)
				break;
			line[len] = '\0';
			rc = fn(ctx, line, len, lineno, err);
			len = 0;
			lineno++;
			i++;
		}
	}
	if (rc == PL_OK && ferror(fp))
		rc = pl_err_set(err, PL_ERR_IO, "cannot read %s: %s", source, strerror(errno));
	if (rc == PL_OK && len > 0) {
		line[len] = '\0';
		rc = fn(ctx, line, len, lineno, err);
	}
	free(line);
	return rc;
}

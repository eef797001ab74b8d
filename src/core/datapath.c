// SPDX-License-Identifier: MIT
/*
 * datapath.c - the user's data directory (core/datapath.h), after the XDG Base
 * Directory Specification: $XDG_DATA_HOME if it is an absolute path, else
 * $HOME/.local/share; "portlens/" below it. The store's default database and the
 * imported registry both live there, so they are found by the same rule.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/datapath.h"

enum pl_rc
pli_data_path(const char *name, char *buf, size_t size, struct pl_err *err)
{
	const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	int n;

	if (xdg && xdg[0] == '/')
		n = snprintf(buf, size, "%s/portlens/%s", xdg, name);
	else if (home && home[0] == '/')
		n = snprintf(buf, size, "%s/.local/share/portlens/%s", home, name);
	else
		return pl_err_set(err, PL_ERR_NOTFOUND,
		                  "no place for %s: neither XDG_DATA_HOME nor HOME is set to an "
		                  "absolute path",
		                  name);
	if (n < 0 || (size_t)n >= size)
		return pl_err_set(err, PL_ERR_LIMIT, "path of %s too long", name);
	return PL_OK;
}

enum pl_rc
pli_data_make_parent(const char *path, struct pl_err *err)
{
	return pli_make_parent_mode(path, 0700, err);
}

enum pl_rc
pli_make_parent_mode(const char *path, unsigned mode, struct pl_err *err)
{
	char dir[4096];
	size_t len = strlen(path);

	if (len >= sizeof(dir))
		return pl_err_set(err, PL_ERR_LIMIT, "path too long: %.100s...", path);
	memcpy(dir, path, len + 1);
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, (mode_t)mode) != 0 && errno != EEXIST) {
			int e = errno;
			enum pl_rc rc =
			    pl_err_set(err, PL_ERR_IO, "cannot create %s: %s", dir, strerror(e));

			if (err)
				err->sys_errno = e;
			return rc;
		}
		*p = '/';
	}
	return PL_OK;
}

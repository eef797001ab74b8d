// SPDX-License-Identifier: MIT
/*
 * atomic_file.c - replace a file through a temporary file in its own directory (see
 * atomic_file.h). mkstemp gives O_CREAT|O_EXCL (and so never follows a symlink at the
 * temporary name: an existing name, link or not, is refused and another name drawn);
 * rename(2) within one directory is atomic.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/atomic_file.h"

enum pl_rc
pli_atomic_open(const char *path, struct pl_atomic_file *f, struct pl_err *err)
{
	size_t n = strlen(path);
	mode_t mask = umask(0);
	int fd, saved;

	umask(mask);
	memset(f, 0, sizeof(*f));
	f->path = strdup(path);
	f->tmp_path = malloc(n + 8);
	if (!f->path || !f->tmp_path) {
		pli_atomic_abort(f);
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	}
	memcpy(f->tmp_path, path, n);
	memcpy(f->tmp_path + n, ".XXXXXX", 8);
	fd = mkstemp(f->tmp_path);
	if (fd < 0) {
		saved = errno;
		free(f->tmp_path);
		f->tmp_path = NULL;
		pli_atomic_abort(f);
		errno = saved; /* pl_err_set records it */
		return pl_err_set(err, PL_ERR_IO, "cannot create a temporary file next to %s: %s",
		                  path, strerror(saved));
	}
	if (fchmod(fd, 0666 & ~mask) != 0 || !(f->fp = fdopen(fd, "w"))) {
		saved = errno;
		close(fd);
		pli_atomic_abort(f);
		errno = saved;
		return pl_err_set(err, PL_ERR_IO, "cannot write %s: %s", path, strerror(saved));
	}
	return PL_OK;
}

enum pl_rc
pli_atomic_commit(struct pl_atomic_file *f, struct pl_err *err)
{
	int bad = ferror(f->fp) != 0, saved = errno ? errno : EIO;

	if (!bad && (fflush(f->fp) != 0 || fsync(fileno(f->fp)) != 0))
		bad = 1, saved = errno;
	if (fclose(f->fp) != 0 && !bad)
		bad = 1, saved = errno;
	f->fp = NULL;
	if (!bad && rename(f->tmp_path, f->path) != 0)
		bad = 1, saved = errno;
	if (bad) {
		pl_err_set(err, PL_ERR_IO, "cannot write %s: %s", f->path, strerror(saved));
		pli_atomic_abort(f);
		return PL_ERR_IO;
	}
	free(f->tmp_path);
	free(f->path);
	memset(f, 0, sizeof(*f));
	return PL_OK;
}

void
pli_atomic_abort(struct pl_atomic_file *f)
{
	if (f->fp)
		fclose(f->fp);
	if (f->tmp_path)
		unlink(f->tmp_path);
	free(f->tmp_path);
	free(f->path);
	memset(f, 0, sizeof(*f));
}

enum pl_rc
pli_atomic_write(const char *path, const void *data, size_t len, struct pl_err *err)
{
	struct pl_atomic_file f;
	enum pl_rc rc = pli_atomic_open(path, &f, err);

	if (rc != PL_OK)
		return rc;
	if (len && fwrite(data, 1, len, f.fp) != len) {
		int saved = errno;

		pli_atomic_abort(&f);
		return pl_err_set(err, PL_ERR_IO, "cannot write %s: %s", path, strerror(saved));
	}
	return pli_atomic_commit(&f, err);
}

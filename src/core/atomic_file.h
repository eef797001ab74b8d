/* SPDX-License-Identifier: MIT */
/*
 * core/atomic_file.h - replace a file safely: write a fresh temporary file in the same
 * directory, created with O_CREAT|O_EXCL|O_NOFOLLOW (mkstemp), then rename it over the
 * target. In a world-writable directory no other user's planted file or symlink is ever
 * opened, and readers see the old file or the new one, whole.
 */
#ifndef PL_CORE_ATOMIC_FILE_H
#define PL_CORE_ATOMIC_FILE_H

#include <stddef.h>
#include <stdio.h>

#include "portlens/error.h"

/* A temporary file next to its target, open for writing. */
struct pl_atomic_file {
	FILE *fp;       /* write here */
	char *tmp_path; /* owned: "TARGET.XXXXXX" made unique */
	char *path;     /* owned copy of the target */
};

/*
 * Creates the temporary file for path (mode 0666 less the umask, as fopen would give).
 * Returns PL_OK, PL_ERR_IO (err names the directory and errno) or PL_ERR_NOMEM; on
 * failure f holds nothing to clean up.
 */
enum pl_rc pli_atomic_open(const char *path, struct pl_atomic_file *f, struct pl_err *err);
/*
 * Flushes, syncs and closes the file and renames it over the target. Returns PL_OK or
 * PL_ERR_IO (the temporary file is removed). f is cleaned up either way.
 */
enum pl_rc pli_atomic_commit(struct pl_atomic_file *f, struct pl_err *err);
/* Closes and removes the temporary file without touching the target. Safe twice. */
void pli_atomic_abort(struct pl_atomic_file *f);
/* pli_atomic_open + one write of len bytes + pli_atomic_commit. */
enum pl_rc pli_atomic_write(const char *path, const void *data, size_t len, struct pl_err *err);

#endif

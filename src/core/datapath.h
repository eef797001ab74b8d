/* SPDX-License-Identifier: MIT */
/*
 * core/datapath.h - where portlens keeps a user's data (the SQLite store, an imported
 * registry): one rule for every file, from the XDG Base Directory Specification.
 */
#ifndef PL_CORE_DATAPATH_H
#define PL_CORE_DATAPATH_H

#include <stddef.h>

#include "portlens/error.h"

/*
 * Writes the path of the data file name into buf: $XDG_DATA_HOME/portlens/NAME when
 * XDG_DATA_HOME is an absolute path, else $HOME/.local/share/portlens/NAME when HOME is
 * one. A relative or empty value counts as unset (the XDG spec: relative paths are
 * invalid and ignored), so a path never depends on the current directory. Returns
 * PL_OK, PL_ERR_NOTFOUND (no absolute XDG_DATA_HOME or HOME) or PL_ERR_LIMIT (buf too
 * small), with err filled.
 */
enum pl_rc pli_data_path(const char *name, char *buf, size_t size, struct pl_err *err);

/*
 * mkdir -p of the directory part of path; directories it creates get mode 0700 (the
 * XDG spec's mode for data directories). Returns PL_OK, PL_ERR_LIMIT (path too long)
 * or PL_ERR_IO naming the directory that could not be made (errno in err->sys_errno).
 */
enum pl_rc pli_data_make_parent(const char *path, struct pl_err *err);

/* As pli_data_make_parent, for files outside the data directory (a listener baseline in
 * /etc/portlens): the directories it creates get mode (less the umask). */
enum pl_rc pli_make_parent_mode(const char *path, unsigned mode, struct pl_err *err);

#endif

// SPDX-License-Identifier: MIT
/*
 * test_datapath.c - the one data-path rule (core/datapath.h) with XDG_DATA_HOME set,
 * unset, empty and relative (ignored, as the XDG spec says), HOME absolute, relative
 * and unset, a buffer too small; the store's default database path and the imported
 * registry's path following it; and directories made with mode 0700 in a real
 * temporary directory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"

#include "portlens/store.h"
#include "core/datapath.h"

struct saved_env {
	char *xdg, *home;
};

static int
save_env(void **state)
{
	struct saved_env *s = calloc(1, sizeof(*s));

	if (!s)
		return -1;
	s->xdg = getenv("XDG_DATA_HOME") ? strdup(getenv("XDG_DATA_HOME")) : NULL;
	s->home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
	*state = s;
	return 0;
}

static int
restore_env(void **state)
{
	struct saved_env *s = *state;

	if (s->xdg)
		setenv("XDG_DATA_HOME", s->xdg, 1);
	else
		unsetenv("XDG_DATA_HOME");
	if (s->home)
		setenv("HOME", s->home, 1);
	else
		unsetenv("HOME");
	free(s->xdg);
	free(s->home);
	free(s);
	return 0;
}

static void
expect_path(const char *xdg, const char *home, const char *want)
{
	char buf[256];
	struct pl_err err = {0};

	if (xdg)
		setenv("XDG_DATA_HOME", xdg, 1);
	else
		unsetenv("XDG_DATA_HOME");
	if (home)
		setenv("HOME", home, 1);
	else
		unsetenv("HOME");
	if (!want) {
		assert_int_equal(pli_data_path("x.db", buf, sizeof(buf), &err), PL_ERR_NOTFOUND);
		assert_non_null(strstr(err.msg, "XDG_DATA_HOME"));
		assert_int_equal(pl_store_default_path(buf, sizeof(buf), NULL), PL_ERR_NOTFOUND);
		return;
	}
	assert_int_equal(pli_data_path("x.db", buf, sizeof(buf), &err), PL_OK);
	assert_string_equal(buf, want);
}

static void
test_rules(void **state)
{
	(void)state;
	expect_path("/x/data", "/home/u", "/x/data/portlens/x.db");         /* set */
	expect_path("/x/data", NULL, "/x/data/portlens/x.db");              /* HOME not needed */
	expect_path(NULL, "/home/u", "/home/u/.local/share/portlens/x.db"); /* unset */
	expect_path("", "/home/u", "/home/u/.local/share/portlens/x.db");   /* empty */
	expect_path("relative", "/home/u", "/home/u/.local/share/portlens/x.db");
	expect_path("./data", "/home/u", "/home/u/.local/share/portlens/x.db");
	expect_path("relative", NULL, NULL);
	expect_path(NULL, "home/u", NULL); /* a relative HOME would follow the cwd */
	expect_path(NULL, "", NULL);
	expect_path(NULL, NULL, NULL);
}

static void
test_store_and_registry_follow_it(void **state)
{
	char buf[256];

	(void)state;
	setenv("XDG_DATA_HOME", "relative", 1);
	setenv("HOME", "/home/u", 1);
	assert_int_equal(pl_store_default_path(buf, sizeof(buf), NULL), PL_OK);
	assert_string_equal(buf, "/home/u/.local/share/portlens/portlens.db");
	setenv("XDG_DATA_HOME", "/x/data", 1);
	assert_int_equal(pl_store_default_path(buf, sizeof(buf), NULL), PL_OK);
	assert_string_equal(buf, "/x/data/portlens/portlens.db");
	assert_int_equal(pli_data_path("service-names-port-numbers.csv", buf, sizeof(buf), NULL),
	                 PL_OK);
	assert_string_equal(buf, "/x/data/portlens/service-names-port-numbers.csv");
}

static void
test_too_small(void **state)
{
	char buf[16];
	struct pl_err err = {0};

	(void)state;
	setenv("XDG_DATA_HOME", "/x/data", 1);
	assert_int_equal(pli_data_path("x.db", buf, sizeof(buf), &err), PL_ERR_LIMIT);
	assert_true(err.msg[0] != '\0');
	assert_int_equal(pl_store_default_path(buf, 10, NULL), PL_ERR_LIMIT);
}

static void
test_make_parent(void **state)
{
	char root[] = "/tmp/pl-datapath-XXXXXX", path[256], dir[256];
	struct pl_err err = {0};
	struct stat st;

	(void)state;
	assert_non_null(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/a/b/portlens/x.db", root);
	assert_int_equal(pli_data_make_parent(path, &err), PL_OK);
	snprintf(dir, sizeof(dir), "%s/a/b/portlens", root);
	assert_int_equal(stat(dir, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(access(path, F_OK), -1);                  /* the file itself is not made */
	assert_int_equal(pli_data_make_parent(path, &err), PL_OK); /* again: exists, fine */
	/* A file where a directory should be: an error naming it. */
	snprintf(path, sizeof(path), "%s/a/b/portlens/x.db/y/z", root);
	{
		char file[256];
		FILE *f;

		snprintf(file, sizeof(file), "%s/a/b/portlens/x.db", root);
		f = fopen(file, "w");
		assert_non_null(f);
		fclose(f);
		assert_int_equal(pli_data_make_parent(path, &err), PL_ERR_IO);
		assert_non_null(strstr(err.msg, "x.db"));
		unlink(file);
	}
	rmdir(dir);
	snprintf(dir, sizeof(dir), "%s/a/b", root);
	rmdir(dir);
	snprintf(dir, sizeof(dir), "%s/a", root);
	rmdir(dir);
	assert_int_equal(rmdir(root), 0);
}

UNIT_MAIN(cmocka_unit_test_setup_teardown(test_rules, save_env, restore_env),
          cmocka_unit_test_setup_teardown(test_store_and_registry_follow_it, save_env, restore_env),
          cmocka_unit_test_setup_teardown(test_too_small, save_env, restore_env),
          cmocka_unit_test(test_make_parent))

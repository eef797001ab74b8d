// SPDX-License-Identifier: MIT
/*
 * procinfo.c - the facts about a process shown beside its sockets, read from
 * /proc/PID: comm (the kernel's 15-byte name), cmdline (arguments, NUL-separated in the
 * file, joined by spaces here), the effective uid from status, and the cgroup from
 * which cgroup.c derives the systemd unit and container.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sockets/sockets_impl.h"

#define CMDLINE_MAX (64u * 1024u)

/* Reads up to size-1 bytes of root/pid/name into buf; returns the length or -1. */
static ssize_t
read_file(const char *root, int32_t pid, const char *name, char *buf, size_t size)
{
	char path[128];
	size_t n = 0;
	int fd;

	snprintf(path, sizeof(path), "%s/%d/%s", root, (int)pid, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while (n + 1 < size) {
		ssize_t r = read(fd, buf + n, size - 1 - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	return (ssize_t)n;
}

static uint32_t
status_euid(const char *status, uint32_t fallback)
{
	const char *u = strstr(status, "\nUid:");
	unsigned long real, eff;

	if (!u || sscanf(u + 5, "%lu %lu", &real, &eff) != 2)
		return fallback;
	return (uint32_t)eff;
}

static char *
read_cmdline(const char *root, int32_t pid)
{
	char *buf = malloc(CMDLINE_MAX);
	ssize_t n;

	if (!buf)
		return NULL;
	n = read_file(root, pid, "cmdline", buf, CMDLINE_MAX);
	if (n < 0)
		n = 0;
	while (n > 0 && buf[n - 1] == '\0')
		n--;
	for (ssize_t i = 0; i < n; i++)
		if (buf[i] == '\0' || buf[i] == '\n' || buf[i] == '\t')
			buf[i] = ' ';
	buf[n] = '\0';
	{
		char *shrunk = realloc(buf, (size_t)n + 1);

		return shrunk ? shrunk : buf;
	}
}

enum pl_rc
pli_proc_read(const char *proc_root, int32_t pid, struct pl_proc *p)
{
	const char *root = proc_root ? proc_root : "/proc";
	char buf[4096], path[1024], unit[256] = "", container[128] = "";
	ssize_t n;

	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->uid = UINT32_MAX;
	n = read_file(root, pid, "comm", p->comm, sizeof(p->comm));
	if (n > 0 && p->comm[n - 1] == '\n')
		p->comm[n - 1] = '\0';
	if (n <= 0)
		snprintf(p->comm, sizeof(p->comm), "?");
	if (read_file(root, pid, "status", buf, sizeof(buf)) > 0)
		p->uid = status_euid(buf, p->uid);
	p->cmdline = read_cmdline(root, pid);
	n = read_file(root, pid, "cgroup", buf, sizeof(buf));
	if (n > 0 && pl_cgroup_parse(buf, (size_t)n, path, sizeof(path), unit, sizeof(unit),
	                             container, sizeof(container)) == PL_OK) {
		p->cgroup = strdup(path);
		p->unit = *unit ? strdup(unit) : NULL;
		p->container = *container ? strdup(container) : NULL;
	} else {
		p->cgroup = strdup("");
	}
	if (!p->cmdline || !p->cgroup || (*unit && n > 0 && !p->unit)) {
		pli_proc_cleanup(p);
		return PL_ERR_NOMEM;
	}
	return PL_OK;
}

void
pli_proc_cleanup(struct pl_proc *p)
{
	free(p->cmdline);
	free(p->cgroup);
	free(p->unit);
	free(p->container);
	p->cmdline = p->cgroup = p->unit = p->container = NULL;
}

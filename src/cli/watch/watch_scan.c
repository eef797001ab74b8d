// SPDX-License-Identifier: MIT
/*
 * watch_scan.c - `portlens watch --scan 'TARGETS -p PORTS [--sV] every 1h'`: a network
 * scan run on a schedule beside the listener watch, each compared with the one before
 * it; ports that opened or closed and services whose product or version changed become
 * events through the same outputs (event log, standard output, journal, webhook,
 * store).
 *
 * Each scan is this same binary (`/proc/self/exe scan ARGS -oJ FILE`) in a child
 * process, so a scan has every option and guard `portlens scan` has, and a scan that
 * crashes or hangs costs the watch nothing. The child's exit is seen through a pidfd
 * in the watch's poll(), so the loop never blocks on it. The JSON-lines result is read
 * back with the library's scan reader and compared with portlens/diff.h, whose rules
 * are `portlens diff`'s: a port not reported is not open. The last good scan stays in
 * the state directory (scan-last.jsonl, with the scan's words in scan-last.spec), so a
 * restarted watch compares with it rather than starting over, unless the targets, ports
 * or options changed. The arguments are checked once at start with --dry-run: a bad
 * target or port list is a usage error before anything runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/deadline.h"
#include "cli/diff/scan_load.h"
#include "cli/watch/watch_cmd.h"
#include "portlens/diff.h"
#include "core/strnum.h"

#define MAX_WORDS 64

struct watch_scan {
	char *spec;                /* a copy, cut into words */
	char *argv[MAX_WORDS + 8]; /* portlens scan WORDS... -oJ FILE */
	int argc, nwords;
	unsigned every_s;
	pid_t pid;
	int pidfd;
	int64_t due_ms; /* monotonic */
	char new_path[4200], last_path[4200], err_path[4200], spec_path[4200];
	char key[2048]; /* the scan's words: a last scan of other words is not compared */
	struct pl_scandoc last;
	int have_last;
	uint64_t runs, skipped;
};

/* "90", "90s", "15m", "1h", "1d" -> seconds; 0 when not a duration. */
static unsigned
parse_every(const char *s)
{
	static const struct {
		char unit;
		unsigned mult;
	} units[] = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}};
	char digits[16];
	size_t n = strlen(s);
	unsigned mult = 1;
	uint64_t v;

	if (n == 0 || n >= sizeof(digits))
		return 0;
	memcpy(digits, s, n + 1);
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (digits[n - 1] == units[i].unit) {
			mult = units[i].mult;
			digits[--n] = '\0';
		}
	if (pli_parse_u64(digits, 1, 366u * 86400u, &v, NULL) != PL_OK || v * mult > 366u * 86400u)
		return 0;
	return (unsigned)(v * mult);
}

/* Options that are watch's business, not the scheduled scan's. */
static int
refused_word(const char *word)
{
	static const char *const refused[] = {"--json", "--save", "--db",   "--resume",
	                                      "-oN",    "-oJ",    "-oX",    "-oG",
	                                      "-oC",    "-oA",    "--help", "-h"};

	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		size_t n = strlen(refused[i]);

		if (strncmp(word, refused[i], n) == 0 && (word[n] == '\0' || word[n] == '='))
			return 1;
	}
	return 0;
}

static int
parse_spec(struct watch_run *w, struct watch_scan *s)
{
	char *words[MAX_WORDS + 2], *save = NULL;
	int n = 0;

	s->spec = strdup(w->scan_spec);
	if (!s->spec)
		return pli_cli_fail(w->cli, "out of memory");
	for (char *t = strtok_r(s->spec, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
		if (n == MAX_WORDS + 2)
			return pli_cli_usage_error(w->cli, "--scan: more than %d words", MAX_WORDS);
		words[n++] = t;
	}
	if (n < 3 || strcmp(words[n - 2], "every") != 0)
		return pli_cli_usage_error(w->cli,
		                           "--scan: '%s' does not end in 'every INTERVAL' (e.g. "
		                           "'198.18.0.0/24 -p 22,80 every 1h')",
		                           w->scan_spec);
	s->every_s = parse_every(words[n - 1]);
	if (!s->every_s)
		return pli_cli_usage_error(w->cli,
		                           "--scan: '%s' is not an interval (a number with s, m, h "
		                           "or d, at most 366d)",
		                           words[n - 1]);
	s->nwords = n - 2;
	s->argv[s->argc++] = "portlens";
	s->argv[s->argc++] = "scan";
	for (int i = 0; i < s->nwords; i++) {
		if (refused_word(words[i]))
			return pli_cli_usage_error(
			    w->cli,
			    "--scan: '%s' is for watch to decide: the scan's "
			    "results go to watch's outputs",
			    words[i]);
		s->argv[s->argc++] = words[i];
	}
	return PL_EXIT_OK;
}

/* Forks this binary with argv (output to the file out, errors to err_path). */
static pid_t
spawn(char *const *argv, const char *err_path)
{
	pid_t pid = fork();

	if (pid == 0) {
		sigset_t none;
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		int efd = open(err_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

		/* watch blocks SIGINT/SIGTERM for its signalfd; the scan must not inherit that */
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (null < 0 || efd < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 ||
		    dup2(efd, 2) < 0)
			_exit(127);
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	return pid;
}

/* The first line of the child's error output, for a message. */
static void
first_err_line(const char *path, char *buf, size_t size)
{
	FILE *fp = fopen(path, "r");

	buf[0] = '\0';
	if (fp) {
		if (fgets(buf, (int)size, fp))
			buf[strcspn(buf, "\n")] = '\0';
		fclose(fp);
	}
}

/* Runs the scan with --dry-run and waits: are the targets and ports acceptable? */
static int
check_args(struct watch_run *w, struct watch_scan *s)
{
	char line[512];
	int status = 0;
	pid_t pid;

	s->argv[s->argc] = "--dry-run";
	s->argv[s->argc + 1] = NULL;
	pid = spawn(s->argv, s->err_path);
	s->argv[s->argc] = NULL;
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return pli_cli_fail(w->cli, "watch: cannot run the scan: %s", strerror(errno));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return PL_EXIT_OK;
	first_err_line(s->err_path, line, sizeof(line));
	return pli_cli_usage_error(w->cli, "--scan: the scan refuses its arguments: %s", line);
}

/* Nonzero when the kept last scan was made with the same words as this one. */
static int
same_key(const struct watch_scan *s)
{
	char buf[sizeof(s->key)] = "";
	FILE *fp = fopen(s->spec_path, "r");

	if (!fp)
		return 0;
	if (!fgets(buf, sizeof(buf), fp))
		buf[0] = '\0';
	fclose(fp);
	buf[strcspn(buf, "\n")] = '\0';
	return strcmp(buf, s->key) == 0;
}

int
watch_scan_setup(struct watch_run *w, const char *dir)
{
	struct watch_scan *s;
	int rc;

	if (!w->scan_spec)
		return PL_EXIT_OK;
	s = calloc(1, sizeof(*s));
	if (!s)
		return pli_cli_fail(w->cli, "out of memory");
	w->scan = s;
	s->pidfd = -1;
	s->pid = -1;
	pl_scandoc_init(&s->last);
	snprintf(s->new_path, sizeof(s->new_path), "%s/scan-new.jsonl", dir);
	snprintf(s->last_path, sizeof(s->last_path), "%s/scan-last.jsonl", dir);
	snprintf(s->err_path, sizeof(s->err_path), "%s/scan.err", dir);
	snprintf(s->spec_path, sizeof(s->spec_path), "%s/scan-last.spec", dir);
	rc = parse_spec(w, s);
	if (rc == PL_EXIT_OK)
		rc = check_args(w, s);
	if (rc != PL_EXIT_OK)
		return rc;
	for (int i = 2; i < s->argc; i++)
		snprintf(s->key + strlen(s->key), sizeof(s->key) - strlen(s->key), "%s%s",
		         i > 2 ? " " : "", s->argv[i]);
	s->argv[s->argc++] = "-oJ";
	s->argv[s->argc++] = s->new_path;
	s->argv[s->argc] = NULL;
	if (access(s->last_path, R_OK) == 0 && same_key(s)) {
		if (scan_load_path(w->cli, s->last_path, &s->last) == PL_EXIT_OK)
			s->have_last = 1;
		else
			pl_scandoc_cleanup(&s->last); /* unreadable: the next scan starts over */
	}
	fprintf(w->cli->err, "%s: watch: scanning every %u s: %s%s\n", w->cli->prog, s->every_s,
	        w->scan_spec,
	        s->have_last ? " (compared with the last scan before the restart)" : "");
	s->due_ms = pli_clock_ms(CLOCK_MONOTONIC);
	return PL_EXIT_OK;
}

int
watch_scan_fd(const struct watch_run *w)
{
	return w->scan ? w->scan->pidfd : -1;
}

int64_t
watch_scan_due(const struct watch_run *w)
{
	return w->scan ? w->scan->due_ms : INT64_MAX;
}

void
watch_scan_start(struct watch_run *w, int64_t now_ms)
{
	struct watch_scan *s = w->scan;

	s->due_ms = now_ms + (int64_t)s->every_s * 1000;
	if (s->pid > 0) {
		s->skipped++;
		fprintf(w->cli->err,
		        "%s: watch: the previous scan still runs; this one is skipped\n",
		        w->cli->prog);
		return;
	}
	unlink(s->new_path);
	s->pid = spawn(s->argv, s->err_path);
	if (s->pid < 0) {
		fprintf(w->cli->err, "%s: watch: cannot start the scan: %s\n", w->cli->prog,
		        strerror(errno));
		return;
	}
	s->pidfd = (int)syscall(SYS_pidfd_open, s->pid, 0);
	if (s->pidfd < 0) {
		/* no pidfd (kernel before 5.3): wait here; scans are then not concurrent */
		watch_scan_reap(w);
	}
}

/* Events for every opened, closed or changed port of d, committed as one batch. */
static size_t
report(struct watch_run *w, const struct pl_diff *d)
{
	size_t n = 0;

	w->source = "scan";
	for (size_t i = 0; i < d->n && !w->failed; i++) {
		const struct pl_diff_change *c = &d->v[i];
		struct watch_pending *p;

		if (!pl_watch_scan_kind(c))
			continue;
		p = watch_pending_new(w);
		if (!p)
			break;
		p->c = c;
		pl_watch_scan_event_json(&w->batch, p->id, w->seq + w->n_pending, p->time_ms, c);
		p->len = w->batch.len - p->off;
		pli_buf_putc(&w->batch, '\n');
		n++;
	}
	watch_commit(w);
	return n;
}

/* Compares the finished scan with the last one; it becomes the last one. */
static void
compare(struct watch_run *w, struct watch_scan *s)
{
	struct pl_scandoc cur;
	struct pl_diff d = {0};
	struct pl_err err = {0};
	size_t events = 0;

	pl_scandoc_init(&cur);
	if (scan_load_path(w->cli, s->new_path, &cur) != PL_EXIT_OK) {
		pl_scandoc_cleanup(&cur);
		return;
	}
	if (s->have_last && pl_scandoc_diff(&s->last, &cur, &d, &err) != PL_OK) {
		pli_cli_print_err(w->cli, &err);
		pl_scandoc_cleanup(&cur);
		return;
	}
	if (s->have_last)
		events = report(w, &d);
	pl_diff_cleanup(&d);
	fprintf(w->cli->err, "%s: watch: scan %llu: %zu hosts, %zu open ports%s%zu changes\n",
	        w->cli->prog, (unsigned long long)s->runs, cur.n_hosts, pl_scandoc_open_ports(&cur),
	        s->have_last ? ", " : " (the first: the next is compared with it), ", events);
	pl_scandoc_cleanup(&s->last);
	s->last = cur;
	s->have_last = 1;
	if (rename(s->new_path, s->last_path) != 0) {
		fprintf(w->cli->err, "%s: watch: cannot keep %s: %s\n", w->cli->prog, s->last_path,
		        strerror(errno));
	} else {
		FILE *fp = fopen(s->spec_path, "w");

		if (fp) {
			fprintf(fp, "%s\n", s->key);
			fclose(fp);
		}
	}
}

void
watch_scan_reap(struct watch_run *w)
{
	struct watch_scan *s = w->scan;
	char line[512];
	int status = 0;

	if (!s || s->pid <= 0)
		return;
	if (waitpid(s->pid, &status, 0) != s->pid)
		status = -1;
	s->pid = -1;
	if (s->pidfd >= 0)
		close(s->pidfd);
	s->pidfd = -1;
	s->runs++;
	if (status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		compare(w, s);
		return;
	}
	first_err_line(s->err_path, line, sizeof(line));
	fprintf(w->cli->err,
	        "%s: watch: scan %llu failed (%s %d): %s; the next is compared with "
	        "the last good one\n",
	        w->cli->prog, (unsigned long long)s->runs, WIFSIGNALED(status) ? "signal" : "exit",
	        WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status), line);
}

void
watch_scan_free(struct watch_run *w)
{
	struct watch_scan *s = w->scan;

	if (!s)
		return;
	if (s->pid > 0) {
		kill(s->pid, SIGTERM);
		waitpid(s->pid, NULL, 0);
	}
	if (s->pidfd >= 0)
		close(s->pidfd);
	pl_scandoc_cleanup(&s->last);
	free(s->spec);
	free(s);
	w->scan = NULL;
}

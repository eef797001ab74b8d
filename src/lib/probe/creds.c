// SPDX-License-Identifier: MIT
/*
 * creds.c - the opt-in factory-default credential check for Telnet: logs in with each
 * of the Mirai pairs (data/mirai-default-credentials.tsv, embedded at build time), one
 * connection at a time, with a pause between tries, and stops at the first pair the
 * server accepts.
 *
 * One try: connect, answer option negotiation until a "login:"/"Username:" prompt,
 * send the user, wait for "Password:", send the password, then read until the server
 * either complains (Login incorrect, a new login prompt, ...) or shows a shell prompt
 * ($ # > %). A complaint or a hang-up is a refusal; silence after the password gets one more try
 * with a longer wait (a slow login is not a refusal). The check must not report a login it did not
 * see. Only the accepted pair is returned; tried passwords are kept nowhere.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "probe/probe_impl.h"

size_t
pl_default_creds_count(void)
{
	return pl_mirai_creds_count;
}

void
pl_default_creds_get(size_t i, const char **user, const char **pass)
{
	*user = i < pl_mirai_creds_count ? pl_mirai_creds[i].user : NULL;
	*pass = i < pl_mirai_creds_count ? pl_mirai_creds[i].pass : NULL;
}

static int
ends_with_prompt(const char *text, const char *const *words, size_t n_words)
{
	size_t len = strlen(text);

	while (len && (text[len - 1] == ' ' || text[len - 1] == '\r' || text[len - 1] == '\n'))
		len--;
	for (size_t i = 0; i < n_words; i++) {
		size_t k = strlen(words[i]);

		if (len >= k &&
		    pli_probe_memcasemem((const unsigned char *)text + len - k, k, words[i]))
			return 1;
	}
	return 0;
}

static const char *const user_prompts[] = {"login:", "username:", "user name:", "user:"};
static const char *const pass_prompts[] = {"password:", "passwd:"};
static const char *const failures[] = {"incorrect", "failed", "invalid",   "denied",    "bad ",
                                       "wrong",     "login:", "username:", "password:", "too many"};

/* Text of the answer since offset from (IAC stripped). */
static void
text_since(const struct probe_answer *ans, size_t from, char *out, size_t cap)
{
	pli_telnet_text(ans->data + from, ans->len - from, out, cap);
}

/* Reads (answering negotiation) until the text since from ends with one of words. */
static int
wait_for(struct probe_conn *c, struct probe_answer *ans, size_t from, const char *const *words,
         size_t n_words, unsigned step_ms)
{
	uint64_t until = pli_probe_now_ms() + step_ms;
	size_t done = from;
	char text[4096];

	while (pli_probe_now_ms() < until && !ans->closed && !ans->reset && !ans->truncated) {
		pli_conn_read(c, ans, (unsigned)(until - pli_probe_now_ms()), 80, NULL);
		pli_telnet_negotiate(c, ans->data + done, ans->len - done);
		done = ans->len;
		text_since(ans, from, text, sizeof(text));
		if (ends_with_prompt(text, words, n_words))
			return 1;
	}
	return 0;
}

static int
shell_prompt(const char *text)
{
	size_t len = strlen(text);

	while (len && text[len - 1] == ' ')
		len--;
	return len && strchr("$#>%", text[len - 1]) != NULL;
}

/*
 * After the password: 1 on a shell prompt, 0 on a complaint or hang-up, -2 when the time
 * ran out with the connection still open (a slow login: PAM, motd scripts, a loaded host).
 */
static int
verdict(struct probe_conn *c, struct probe_answer *ans, size_t from, unsigned step_ms, char *text,
        size_t cap)
{
	uint64_t until = pli_probe_now_ms() + step_ms;
	size_t done = from;
	const size_t n_fail = sizeof(failures) / sizeof(failures[0]);

	text[0] = '\0';
	while (pli_probe_now_ms() < until && !ans->closed && !ans->reset && !ans->truncated) {
		pli_conn_read(c, ans, (unsigned)(until - pli_probe_now_ms()), 80, NULL);
		pli_telnet_negotiate(c, ans->data + done, ans->len - done);
		done = ans->len;
		text_since(ans, from, text, cap);
		if (ends_with_prompt(text, failures, n_fail) ||
		    pli_probe_memcasemem((const unsigned char *)text, strlen(text), "incorrect"))
			return 0;
		if (shell_prompt(text))
			return 1;
	}
	return ans->closed || ans->reset || ans->truncated ? 0 : -2;
}

/*
 * One login attempt. Returns 1 accepted, 0 refused, -1 could not talk to the server,
 * -2 no verdict in time after the password.
 */
static int
try_pair(const struct sockaddr *sa, socklen_t salen, const char *user, const char *pass,
         unsigned step_ms, struct probe_answer *ans, struct pl_cred_result *out)
{
	struct probe_conn c;
	char line[80], text[4096];
	size_t mark;
	int result = -1;

	memset(ans, 0, sizeof(*ans));
	if (pli_conn_open(&c, sa, salen, 3000, pli_probe_now_ms() + 4 * step_ms, NULL) != PL_OK)
		return -1;
	if (!wait_for(&c, ans, 0, user_prompts, 4, step_ms))
		goto out;
	snprintf(line, sizeof(line), "%s\r\n", user);
	mark = ans->len;
	if (pli_conn_send(&c, line, strlen(line)) != 0 ||
	    !wait_for(&c, ans, mark, pass_prompts, 2, step_ms))
		goto out;
	snprintf(line, sizeof(line), "%s\r\n", pass);
	mark = ans->len;
	if (pli_conn_send(&c, line, strlen(line)) != 0)
		goto out;
	result = verdict(&c, ans, mark, step_ms, text, sizeof(text));
	if (result == 1) {
		size_t n = strnlen(text, sizeof(out->evidence) - 1);

		memcpy(out->evidence, text, n);
		out->evidence[n] = '\0';
		pli_conn_send(&c, "exit\r\n", 6);
	}
out:
	pli_conn_close(&c);
	return result;
}

static void
pause_ms(unsigned ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) != 0)
		;
}

enum pl_rc
pl_probe_telnet_default_creds(const struct sockaddr *sa, socklen_t salen,
                              const struct pl_cred_opts *opts, struct pl_cred_result *out,
                              struct pl_err *err)
{
	unsigned delay = opts && opts->delay_ms ? opts->delay_ms : 1000;
	unsigned step = opts && opts->step_ms ? opts->step_ms : 5000;
	size_t max = opts && opts->max_tries ? opts->max_tries : pl_mirai_creds_count;
	struct probe_answer *ans = malloc(sizeof(*ans));
	enum pl_rc rc = PL_OK;
	unsigned unreachable = 0;

	memset(out, 0, sizeof(*out));
	if (!ans)
		return pl_err_set(err, PL_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < pl_mirai_creds_count && i < max; i++) {
		int r;

		if (i > 0)
			pause_ms(delay);
		r = try_pair(sa, salen, pl_mirai_creds[i].user, pl_mirai_creds[i].pass, step, ans,
		             out);
		/*
		 * Silence after the password is not a refusal: a login that is still printing
		 * its motd on a busy host would be missed. Try the pair once more with three
		 * times the wait; only a second silence counts as refused.
		 */
		if (r == -2) {
			pause_ms(delay);
			r = try_pair(sa, salen, pl_mirai_creds[i].user, pl_mirai_creds[i].pass,
			             3 * step, ans, out);
		}
		if (r == -2)
			r = 0;
		out->tried++;
		if (r == 1) {
			out->accepted = 1;
			pli_probe_set(out->username, sizeof(out->username), pl_mirai_creds[i].user);
			pli_probe_set(out->password, sizeof(out->password), pl_mirai_creds[i].pass);
			break;
		}
		if (r < 0 && ++unreachable >= 3) {
			rc = pl_err_set(err, PL_ERR_IO,
			                "no login prompt from the server (3 tries); stopped");
			break;
		}
	}
	free(ans);
	return rc;
}

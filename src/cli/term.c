// SPDX-License-Identifier: MIT
/*
 * term.c - terminal behaviour of the CLI: whether to color (--color, NO_COLOR, isatty),
 * the wrap width (--width, COLUMNS, TIOCGWINSZ, else 80) and UTF-8-aware word wrapping.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli/cli.h"
#include "shared/escape.h"
#include "shared/strnum.h"

void
pl_term_setup(struct pl_cli *cli)
{
	int tty = isatty(fileno(cli->out));
	const char *no_color = getenv("NO_COLOR");

	if (cli->color_mode < 0)
		cli->color = tty && !(no_color && *no_color) && getenv("TERM") &&
		             strcmp(getenv("TERM"), "dumb") != 0;
	else
		cli->color = cli->color_mode;
	if (cli->width == 0) {
		struct winsize ws;
		const char *cols = getenv("COLUMNS");
		uint64_t v;

		if (tty && ioctl(fileno(cli->out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
			cli->width = ws.ws_col;
		else if (cols && pl_parse_u64(cols, 20, 1000, &v, NULL) == PL_OK)
			cli->width = (unsigned)v;
		else
			cli->width = 80;
	}
	if (cli->width < 40)
		cli->width = 40;
	if (cli->width > 120)
		cli->width = 120; /* long lines are hard to read even on wide terminals */
}

const char *
pl_term_sgr(const struct pl_cli *cli, const char *code)
{
	return cli->color ? code : "";
}

size_t
pl_term_columns(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

static size_t
columns_n(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			n++;
	return n;
}

static int
is_space(char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

/* Control bytes (ESC and friends) from data would drive the terminal: the terminal rule
 * (shared/escape.c) shows them as \xNN. */
static void
append_printable(struct pl_buf *out, const char *s, size_t n)
{
	pl_esc_term_n(out, s, n);
}

void
pl_term_wrap(struct pl_buf *out, const char *text, unsigned indent, unsigned width)
{
	unsigned avail = width > indent + 20 ? width - indent : 20;
	size_t col = 0;
	const char *p = text;

	while (*p) {
		const char *w = p;
		size_t wl, wc;

		while (is_space(*w))
			w++;
		if (!*w)
			break;
		p = w;
		while (*p && !is_space(*p))
			p++;
		wl = (size_t)(p - w);
		wc = columns_n(w, wl);
		if (col == 0) {
			for (unsigned i = 0; i < indent; i++)
				pl_buf_putc(out, ' ');
		} else if (col + 1 + wc > avail) {
			pl_buf_putc(out, '\n');
			for (unsigned i = 0; i < indent; i++)
				pl_buf_putc(out, ' ');
			col = 0;
		} else {
			pl_buf_putc(out, ' ');
			col++;
		}
		append_printable(out, w, wl);
		col += wc;
	}
	if (col)
		pl_buf_putc(out, '\n');
}

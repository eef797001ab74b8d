// SPDX-License-Identifier: MIT
/*
 * term.c - terminal behaviour of the CLI: whether to color (--color, NO_COLOR, isatty),
 * the wrap width (--width, COLUMNS, TIOCGWINSZ, else 80) and UTF-8-aware word wrapping
 * (through the column fitter's wrap, cli/colfit.c, which also escapes control bytes).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/render/colfit.h"
#include "core/strnum.h"

void
pli_term_setup(struct pl_cli *cli)
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
		else if (cols && pli_parse_u64(cols, 20, 1000, &v, NULL) == PL_OK)
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
pli_term_sgr(const struct pl_cli *cli, const char *code)
{
	return cli->color ? code : "";
}

size_t
pli_term_columns(const char *s)
{
	return pli_colfit_cols(s, strlen(s));
}

void
pli_term_wrap(struct pl_buf *out, const char *text, unsigned indent, unsigned width)
{
	/* Nothing but blanks: nothing at all, not even the indent. */
	if (!text[strspn(text, " \t\r\n")])
		return;
	for (unsigned i = 0; i < indent; i++)
		pli_buf_putc(out, ' ');
	pli_colfit_wrap(out, text, indent, indent, width);
}

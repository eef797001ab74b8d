/* SPDX-License-Identifier: MIT */
/*
 * portlens/lang.h - the languages port pages are written in: English (the reference
 * text of every fact), Korean, Arabic and Turkish. The terminal picks one from --lang
 * or LC_ALL / LC_MESSAGES / LANG; the web from ?lang=, a cookie or Accept-Language.
 */
#ifndef PORTLENS_LANG_H
#define PORTLENS_LANG_H

enum pl_lang {
	PL_LANG_EN = 0,
	PL_LANG_KO,
	PL_LANG_AR,
	PL_LANG_TR,
	PL_LANG_COUNT,
};

/*
 * Reads a language from a code or locale name: "ko", "ko-KR", "ko_KR.UTF-8", "AR",
 * "tr_TR@euro". Only the primary subtag counts. Returns 0 and sets *out, or -1 when the
 * text names no supported language (C, POSIX and empty included).
 */
int pl_lang_parse(const char *s, enum pl_lang *out);

/* "en", "ko", "ar", "tr". */
const char *pl_lang_code(enum pl_lang l);

/* Nonzero for right-to-left scripts (Arabic). */
int pl_lang_rtl(enum pl_lang l);

#endif

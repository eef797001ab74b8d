/* SPDX-License-Identifier: MIT */
/*
 * xml/xmlread.h - what the library's expat readers share (the Recog loader in
 * src/lib/probe, the nmap XML scan-file parser in src/lib/diff): finding an attribute
 * of the element being opened, and stopping the parse at the first error with the
 * position expat is at.
 */
#ifndef PL_XML_XMLREAD_H
#define PL_XML_XMLREAD_H

#include <expat.h>

#include "portlens/error.h"

/* The value of attribute name among expat's atts (name, value, ..., NULL), or NULL. */
const char *pli_xml_attr(const XML_Char **atts, const char *name);

/*
 * Records the first failure of a parse and stops the parser: when *first is still
 * PL_OK, sets it to rc and fills err with what, source (may be NULL) and the current
 * line and column (1-based). Later failures change nothing: the first one is the cause.
 */
void pli_xml_fail(XML_Parser parser, enum pl_rc *first, struct pl_err *err, const char *source,
                  enum pl_rc rc, const char *what);

#endif

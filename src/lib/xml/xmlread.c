// SPDX-License-Identifier: MIT
/*
 * xmlread.c - the helpers every expat reader of the library uses (xml/xmlread.h): one
 * attribute lookup and one way to stop at the first error, so the Recog loader and the
 * nmap XML parser report positions the same way.
 */
#include <string.h>

#include "xml/xmlread.h"

const char *
pli_xml_attr(const XML_Char **atts, const char *name)
{
	for (size_t i = 0; atts[i]; i += 2)
		if (strcmp(atts[i], name) == 0)
			return atts[i + 1];
	return NULL;
}

void
pli_xml_fail(XML_Parser parser, enum pl_rc *first, struct pl_err *err, const char *source,
             enum pl_rc rc, const char *what)
{
	if (*first != PL_OK)
		return;
	*first = pl_err_set_at(err, rc, source, (unsigned)XML_GetCurrentLineNumber(parser),
	                       (unsigned)XML_GetCurrentColumnNumber(parser) + 1, "%s", what);
	XML_StopParser(parser, XML_FALSE);
}

// SPDX-License-Identifier: MIT
/*
 * fuzz_localports.c - the kernel's client port settings on arbitrary bytes:
 * ip_local_port_range ("LO<tab>HI", accepted only as 1 <= LO <= HI <= 65535) and
 * ip_local_reserved_ports ("N,N-M,...": an accepted list sets exactly the ports it names,
 * checked by reading it back).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/localports.h"
#include "core/strnum.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every port of the accepted list text s is set in bm, and bm has no more set bits
 * than the list names. */
static void
check_reserved(const char *s, const uint8_t *bm)
{
	size_t named = 0, set = 0;

	while (*s && *s != '\n') {
		size_t n = strcspn(s, ",-\n");
		uint64_t lo, hi;

		if (pli_parse_u64n(s, n, 0, 65535, &lo, NULL) != PL_OK)
			abort();
		s += n;
		hi = lo;
		if (*s == '-') {
			n = strcspn(++s, ",\n");
			if (pli_parse_u64n(s, n, lo, 65535, &hi, NULL) != PL_OK)
				abort();
			s += n;
		}
		for (uint64_t p = lo; p <= hi; p++)
			if (!(bm[p / 8] & (1u << (p % 8))))
				abort();
		named += (size_t)(hi - lo + 1);
		if (*s == ',')
			s++;
	}
	for (size_t p = 0; p < 65536; p++)
		set += (bm[p / 8] >> (p % 8)) & 1u;
	if (set > named)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t bm[65536 / 8];
	char *s;
	uint16_t lo = 0, hi = 0;

	if (size > 4096)
		return 0;
	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (pli_local_ports_parse_range(s, &lo, &hi) == 0 && (lo == 0 || lo > hi))
		abort();
	memset(bm, 0, sizeof(bm));
	if (pli_local_ports_parse_reserved(s, bm) == 0)
		check_reserved(s, bm);
	free(s);
	return 0;
}

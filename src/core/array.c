// SPDX-License-Identifier: MIT
/*
 * array.c - pli_array_reserve: geometric growth of a heap array (see core/array.h).
 *
 * The array pointer travels as void * and is copied in and out with memcpy, so callers
 * keep their typed pointers (struct pl_finding *, uint16_t *, ...) and no code reads a
 * T * through a void * lvalue (which strict aliasing does not allow). POSIX guarantees
 * that every object pointer has the representation of void *.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/array.h"

enum pl_rc
pli_array_reserve(void *arrayp, size_t *cap, size_t need, size_t elem_size, size_t first)
{
	void *array, *grown;
	size_t ncap;

	if (!arrayp || !cap || elem_size == 0)
		return PL_ERR_ARG;
	if (need <= *cap)
		return PL_OK;
	ncap = *cap ? *cap : (first ? first : 1);
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			return PL_ERR_NOMEM;
		ncap *= 2;
	}
	if (ncap > SIZE_MAX / elem_size)
		return PL_ERR_NOMEM;
	memcpy(&array, arrayp, sizeof(array));
	grown = realloc(array, ncap * elem_size);
	if (!grown)
		return PL_ERR_NOMEM;
	memcpy(arrayp, &grown, sizeof(grown));
	*cap = ncap;
	return PL_OK;
}

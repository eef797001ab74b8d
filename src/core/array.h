/* SPDX-License-Identifier: MIT */
/*
 * core/array.h - growing a heap array geometrically, with the overflow checks done once.
 *
 * Every list in portlens (targets, ports, results, owners, findings...) is a pointer, a
 * count and a capacity, and used to grow with its own copy of
 * `cap = cap ? cap * 2 : 64; p = realloc(p, cap * sizeof *p)`, none of which checked
 * that cap * 2 or cap * size fits in a size_t. PLI_ARRAY_RESERVE is that loop, once:
 *
 *	if (PLI_ARRAY_RESERVE(l->items, l->cap, l->n + 1, 64) != PL_OK)
 *		return PL_ERR_NOMEM;
 *	l->items[l->n++] = item;
 *
 * Doubling keeps appends amortised O(1); the first allocation holds `first` elements
 * (each list keeps the starting size it was tuned with).
 */
#ifndef PL_CORE_ARRAY_H
#define PL_CORE_ARRAY_H

#include <stddef.h>

#include "portlens/error.h"

/*
 * Makes room for at least `need` elements of elem_size bytes in the array whose pointer
 * is at *arrayp (a T ** passed as void *: the pointer is read and written with memcpy,
 * so any object pointer type works without aliasing games), capacity *cap. When *cap is
 * already >= need nothing happens. Otherwise the capacity becomes `first` (if it was 0)
 * and doubles until it reaches need, and the array is reallocated once. Elements past
 * the old capacity are uninitialised.
 *
 * Returns PL_OK, or PL_ERR_NOMEM when realloc fails or the byte count would overflow
 * size_t; on failure the array and *cap are unchanged (still owned by the caller).
 * first == 0 counts as 1; elem_size == 0 is PL_ERR_ARG.
 */
enum pl_rc pli_array_reserve(void *arrayp, size_t *cap, size_t need, size_t elem_size,
                             size_t first);

/* PLI_ARRAY_RESERVE(ptr, cap, need, first): pli_array_reserve for the array `ptr` (an
 * lvalue of type T *) with capacity `cap` (an lvalue of type size_t); elem_size is
 * sizeof *ptr. */
#define PLI_ARRAY_RESERVE(ptr, cap, need, first)                                                   \
	pli_array_reserve(&(ptr), &(cap), (need), sizeof *(ptr), (first))

#endif

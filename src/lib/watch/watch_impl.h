/* SPDX-License-Identifier: MIT */
/*
 * watch/watch_impl.h - internals shared by the files of src/lib/watch.
 */
#ifndef PL_WATCH_IMPL_H
#define PL_WATCH_IMPL_H

#include <stdio.h>

#include "portlens/watch.h"

#endif

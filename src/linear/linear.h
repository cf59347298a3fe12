/* SPDX-License-Identifier: Apache-2.0 */
/* What libsimdloss_linear's files share: error reports through the core's
 * last-error message, and the canonical NaN of every output. */
#ifndef SL_LINEAR_H
#define SL_LINEAR_H

#include <stdarg.h>
#include <stdio.h>

#include "simdloss_linear.h"

#define SL_LIN_HIDDEN __attribute__((visibility("hidden")))

/* Formats the message, sets it as the last error, returns status. */
static inline int __attribute__((format(printf, 2, 3)))
sl_lin_fail(int status, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return simdloss_set_error(status, msg);
}

/* The one NaN the core's outputs hold (0x7fc00000). */
static inline float sl_lin_canon(float v) { return v != v ? __builtin_nanf("") : v; }

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/* Status strings and the thread-local last-error message. */
#include <stdarg.h>
#include <stdio.h>

#include "internal.h"

static _Thread_local char sl_msg[256];

int sl_fail(int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sl_msg, sizeof sl_msg, fmt, ap);
    va_end(ap);
    return status;
}

void sl_clear_error(void) { sl_msg[0] = 0; }

const char *simdloss_last_error(void) { return sl_msg; }

int simdloss_set_error(int status, const char *message)
{
    snprintf(sl_msg, sizeof sl_msg, "%s", message ? message : "");
    return status;
}

const char *simdloss_strerror(int status)
{
    switch (status) {
    case SIMDLOSS_OK: return "success";
    case SIMDLOSS_EINVAL: return "invalid argument";
    case SIMDLOSS_EDOMAIN: return "input element outside the loss's domain";
    case SIMDLOSS_ENOTSUP: return "not supported on this CPU or build";
    case SIMDLOSS_ENOMEM: return "out of memory";
    }
    return "unknown status";
}

#define SL_STR_(x) #x
#define SL_STR(x) SL_STR_(x)
const char *simdloss_version(void)
{
    return SL_STR(SIMDLOSS_VERSION_MAJOR) "." SL_STR(SIMDLOSS_VERSION_MINOR) "." SL_STR(
        SIMDLOSS_VERSION_PATCH);
}

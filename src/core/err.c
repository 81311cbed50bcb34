/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Names for the error codes in err.h and the diagnostic buffer helpers.
 * Used by every module to turn a return code into a message.
 */
#include <stdarg.h>
#include <stdio.h>

#include "core/core.h"

static const char *const names[] = {
	[0] = "success",
	[1] = "out of memory",
	[2] = "invalid argument",
	[3] = "need more input",
	[4] = "malformed input",
	[5] = "limit reached",
	[6] = "input/output error",
	[7] = "no such object",
	[8] = "database error",
	[9] = "end of input",
	[10] = "already exists",
	[11] = "cryptographic failure",
	[12] = "not supported",
	[13] = "canceled",
};

const char *ps_strerror(int rc)
{
	if (rc > 0 || rc < PS_ERR_MIN)
		return "unknown error";
	return names[-rc];
}

void ps_diag_set(struct ps_diag *d, const char *fmt, ...)
{
	va_list ap;

	if (d == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
	va_end(ap);
}

void ps_diag_clear(struct ps_diag *d)
{
	if (d != NULL)
		d->msg[0] = '\0';
}

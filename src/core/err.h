/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Error codes shared by every Panshi module, and a small diagnostic buffer
 * that parsers fill with a user-facing message naming the file and line.
 */
#ifndef PS_CORE_ERR_H
#define PS_CORE_ERR_H

#include <stddef.h>

#define PS_MUST_USE __attribute__((warn_unused_result))
#define PS_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* Return codes: 0 is success, every failure is negative. */
enum ps_err {
	PS_OK = 0,
	PS_ENOMEM = -1,   /* allocation failed or a memory cap was hit */
	PS_EINVAL = -2,   /* bad argument or bad value in an input file */
	PS_EAGAIN = -3,   /* need more input */
	PS_EPROTO = -4,   /* malformed input */
	PS_ELIMIT = -5,   /* a configured cap was hit */
	PS_EIO = -6,      /* operating-system I/O error */
	PS_ENOENT = -7,   /* no such object */
	PS_EDB = -8,      /* database error */
	PS_EOF = -9,      /* end of input */
	PS_EEXIST = -10,  /* object already exists */
	PS_ECRYPTO = -11, /* cryptographic failure (including a bad MAC) */
	PS_EUNSUP = -12,  /* not supported in this build or backend */
	PS_ECANCELED = -13, /* stopped on request before the end */
	PS_ERR_MIN = -13
};

/* Name of an error code, "unknown error" for anything else. Thread-safe. */
const char *ps_strerror(int rc);

/*
 * A message for the user about why an operation failed, e.g.
 * "etc/panshi.yaml:12: unknown key 'store.jornal'". Functions that take a
 * `struct ps_diag *` accept NULL when the caller does not want the text.
 */
struct ps_diag {
	char msg[512];
};

void ps_diag_set(struct ps_diag *d, const char *fmt, ...) PS_PRINTF(2, 3);
void ps_diag_clear(struct ps_diag *d);

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Message digests for the parsers: the OpenSSL algorithms fetched once per
 * process (an implicit fetch per use takes the provider store's lock), and
 * the streamed MD5 + SHA-1 + SHA-256 of a transferred file that HTTP and
 * ftp-data write into "fileinfo" events.
 */
#ifndef PS_PROTO_DIGEST_H
#define PS_PROTO_DIGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/jsonw.h"

struct evp_md_st;
struct evp_md_ctx_st;

enum ps_md { PS_MD_MD5, PS_MD_SHA1, PS_MD_SHA256, PS_MD__COUNT };

/* The algorithm (an OpenSSL EVP_MD), or NULL when the provider lacks it. */
const struct evp_md_st *ps_proto_md(enum ps_md md);

/* One-shot digest of n bytes into out (16, 20 or 32 bytes). */
int ps_proto_digest(enum ps_md md, const void *p, size_t n, uint8_t *out) PS_MUST_USE;

/* MD5, SHA-1 and SHA-256 of one file, streamed. Zero it before first use. */
struct ps_filehash {
	struct evp_md_ctx_st *ctx[PS_MD__COUNT];  /* reused file after file */
	uint8_t dig[PS_MD__COUNT][32];             /* after ps_filehash_finish */
	bool ok;                                   /* no step has failed */
};

/* Start a file (contexts are created once and reused); false on failure. */
bool ps_filehash_start(struct ps_filehash *h);
void ps_filehash_update(struct ps_filehash *h, const void *p, size_t n);
/* Compute the three digests; false when any step failed. */
bool ps_filehash_finish(struct ps_filehash *h);
/* Write "md5", "sha1" and "sha256" (after a successful finish). */
void ps_filehash_write(const struct ps_filehash *h, struct ps_jw *w);
/* Report the three digests to intelligence matching (proto.c). */
struct ps_proto_ctx;
void ps_filehash_observe(const struct ps_filehash *h, struct ps_proto_ctx *c);
void ps_filehash_release(struct ps_filehash *h);

#endif

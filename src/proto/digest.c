/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Digests shared by the parsers: algorithms fetched once (pthread_once) and
 * read-only afterwards, so worker threads share them without locking.
 */
#include <pthread.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "core/core.h"
#include "proto/digest.h"

static const char *const md_names[PS_MD__COUNT] = {"MD5", "SHA1", "SHA256"};
static const unsigned md_lens[PS_MD__COUNT] = {16, 20, 32};
static const char *const md_keys[PS_MD__COUNT] = {"md5", "sha1", "sha256"};

static pthread_once_t md_once = PTHREAD_ONCE_INIT;
static EVP_MD *md_algs[PS_MD__COUNT];

static void md_fetch(void)
{
	for (unsigned i = 0; i < PS_MD__COUNT; i++)
		md_algs[i] = EVP_MD_fetch(NULL, md_names[i], NULL);
	ERR_clear_error();
}

const EVP_MD *ps_proto_md(enum ps_md md)
{
	if ((unsigned)md >= PS_MD__COUNT || pthread_once(&md_once, md_fetch))
		return NULL;
	return md_algs[md];
}

int ps_proto_digest(enum ps_md md, const void *p, size_t n, uint8_t *out)
{
	const EVP_MD *alg = ps_proto_md(md);

	if (!alg)
		return PS_EUNSUP;
	if (!EVP_Digest(p, n, out, NULL, alg, NULL)) {
		ERR_clear_error();
		return PS_ECRYPTO;
	}
	return PS_OK;
}

bool ps_filehash_start(struct ps_filehash *h)
{
	h->ok = false;
	for (unsigned i = 0; i < PS_MD__COUNT; i++) {
		const EVP_MD *alg = ps_proto_md((enum ps_md)i);

		if (!alg)
			return false;
		if (!h->ctx[i] && !(h->ctx[i] = EVP_MD_CTX_new()))
			return false;
		if (!EVP_DigestInit_ex2(h->ctx[i], alg, NULL))
			return false;
	}
	h->ok = true;
	return true;
}

void ps_filehash_update(struct ps_filehash *h, const void *p, size_t n)
{
	for (unsigned i = 0; h->ok && i < PS_MD__COUNT; i++)
		if (!EVP_DigestUpdate(h->ctx[i], p, n))
			h->ok = false;
}

bool ps_filehash_finish(struct ps_filehash *h)
{
	for (unsigned i = 0; h->ok && i < PS_MD__COUNT; i++)
		if (!EVP_DigestFinal_ex(h->ctx[i], h->dig[i], NULL))
			h->ok = false;
	return h->ok;
}

void ps_filehash_write(const struct ps_filehash *h, struct ps_jw *w)
{
	for (unsigned i = 0; i < PS_MD__COUNT; i++)
		ps_jw_hex(w, md_keys[i], h->dig[i], md_lens[i]);
}

void ps_filehash_release(struct ps_filehash *h)
{
	for (unsigned i = 0; i < PS_MD__COUNT; i++) {
		EVP_MD_CTX_free(h->ctx[i]);
		h->ctx[i] = NULL;
	}
	h->ok = false;
}

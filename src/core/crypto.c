/* SPDX-License-Identifier: Apache-2.0 */
/*
 * SM3, HMAC-SM3 and SM4 over OpenSSL 3's EVP and EVP_MAC interfaces, and
 * the SM4-CTR + HMAC-SM3 seal/open construction that protects secrets at
 * rest in the store. Algorithms are fetched once and shared by all threads.
 */
#include <limits.h>
#include <pthread.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "core/core.h"

/* EVP lengths are int: feed large buffers in pieces of this size. */
#define EVP_CHUNK ((size_t)1 << 30)

static const char LABEL_ENC[] = "panshi-seal-v1 encryption";
static const char LABEL_MAC[] = "panshi-seal-v1 authentication";

/* Fetched once by fetch_algorithms(), immutable and shared afterwards. */
static pthread_once_t fetch_once = PTHREAD_ONCE_INIT;
static int fetch_rc = PS_EUNSUP;
static EVP_MD *alg_sm3;
static EVP_CIPHER *alg_sm4_ecb;
static EVP_CIPHER *alg_sm4_ctr;
static EVP_MAC *alg_hmac;

static void fetch_algorithms(void)
{
	alg_sm3 = EVP_MD_fetch(NULL, "SM3", NULL);
	alg_sm4_ecb = EVP_CIPHER_fetch(NULL, "SM4-ECB", NULL);
	alg_sm4_ctr = EVP_CIPHER_fetch(NULL, "SM4-CTR", NULL);
	alg_hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (alg_sm3 != NULL && alg_sm4_ecb != NULL && alg_sm4_ctr != NULL &&
	    alg_hmac != NULL) {
		fetch_rc = PS_OK;
		return;
	}
	EVP_MD_free(alg_sm3);
	EVP_CIPHER_free(alg_sm4_ecb);
	EVP_CIPHER_free(alg_sm4_ctr);
	EVP_MAC_free(alg_hmac);
	alg_sm3 = NULL;
	alg_sm4_ecb = alg_sm4_ctr = NULL;
	alg_hmac = NULL;
	ERR_clear_error();
}

int ps_crypto_init(void)
{
	if (pthread_once(&fetch_once, fetch_algorithms) != 0)
		return PS_EUNSUP;
	return fetch_rc;
}

/* An OpenSSL call failed: drop its error queue so it does not surface in
 * an unrelated later call, and report it. */
static int ossl_fail(void)
{
	ERR_clear_error();
	return PS_ECRYPTO;
}

/* ---- SM3 ---------------------------------------------------------------- */

int ps_sm3(const void *data, size_t len, uint8_t out[PS_SM3_LEN])
{
	struct ps_sm3_ctx ctx = {NULL};
	int rc;

	rc = ps_sm3_init(&ctx);
	if (rc != PS_OK)
		return rc;
	rc = ps_sm3_update(&ctx, data, len);
	if (rc != PS_OK) {
		ps_sm3_release(&ctx);
		return rc;
	}
	return ps_sm3_final(&ctx, out);
}

int ps_sm3_init(struct ps_sm3_ctx *ctx)
{
	int rc = ps_crypto_init();

	ctx->md = NULL;
	if (rc != PS_OK)
		return rc;
	ctx->md = EVP_MD_CTX_new();
	if (ctx->md == NULL) {
		ERR_clear_error();
		return PS_ENOMEM;
	}
	if (EVP_DigestInit_ex2(ctx->md, alg_sm3, NULL) != 1) {
		ps_sm3_release(ctx);
		return ossl_fail();
	}
	return PS_OK;
}

int ps_sm3_update(struct ps_sm3_ctx *ctx, const void *data, size_t len)
{
	if (ctx->md == NULL)
		return PS_EINVAL;
	if (len > 0 && EVP_DigestUpdate(ctx->md, data, len) != 1)
		return ossl_fail();
	return PS_OK;
}

int ps_sm3_final(struct ps_sm3_ctx *ctx, uint8_t out[PS_SM3_LEN])
{
	unsigned int n = 0;
	int rc = PS_OK;

	if (ctx->md == NULL)
		return PS_EINVAL;
	if (EVP_DigestFinal_ex(ctx->md, out, &n) != 1 || n != PS_SM3_LEN)
		rc = ossl_fail();
	ps_sm3_release(ctx);
	return rc;
}

void ps_sm3_release(struct ps_sm3_ctx *ctx)
{
	if (ctx == NULL)
		return;
	EVP_MD_CTX_free(ctx->md);
	ctx->md = NULL;
}

/* ---- HMAC-SM3 ----------------------------------------------------------- */

/* One piece of a message that is MACed without being copied together. */
struct part {
	const void *p;
	size_t n;
};

static int hmac_parts(const void *key, size_t klen, const struct part *parts,
		      size_t nparts, uint8_t out[PS_SM3_LEN])
{
	static const unsigned char nokey[1];
	char digest[] = "SM3";
	OSSL_PARAM params[2];
	EVP_MAC_CTX *ctx;
	size_t outlen = 0;
	int rc = ps_crypto_init();

	if (rc != PS_OK)
		return rc;
	ctx = EVP_MAC_CTX_new(alg_hmac);
	if (ctx == NULL) {
		ERR_clear_error();
		return PS_ENOMEM;
	}
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
						     digest, 0);
	params[1] = OSSL_PARAM_construct_end();
	/* a NULL key means "keep the previous key" to EVP_MAC_init */
	if (EVP_MAC_init(ctx, klen > 0 ? key : nokey, klen, params) != 1) {
		rc = ossl_fail();
		goto out;
	}
	for (size_t i = 0; i < nparts; i++) {
		if (parts[i].n > 0 &&
		    EVP_MAC_update(ctx, parts[i].p, parts[i].n) != 1) {
			rc = ossl_fail();
			goto out;
		}
	}
	if (EVP_MAC_final(ctx, out, &outlen, PS_SM3_LEN) != 1 ||
	    outlen != PS_SM3_LEN)
		rc = ossl_fail();
out:
	EVP_MAC_CTX_free(ctx);
	return rc;
}

int ps_hmac_sm3(const void *key, size_t klen, const void *data, size_t len,
		uint8_t out[PS_SM3_LEN])
{
	struct part part = {data, len};

	return hmac_parts(key, klen, &part, 1, out);
}

/* ---- SM4 ---------------------------------------------------------------- */

int ps_sm4_ecb_encrypt_block(const uint8_t key[PS_SM4_KEY_LEN],
			     const uint8_t in[PS_SM4_BLOCK_LEN],
			     uint8_t out[PS_SM4_BLOCK_LEN])
{
	uint8_t tmp[PS_SM4_BLOCK_LEN];
	EVP_CIPHER_CTX *ctx;
	int n = 0, rc = ps_crypto_init();

	if (rc != PS_OK)
		return rc;
	ctx = EVP_CIPHER_CTX_new();
	if (ctx == NULL) {
		ERR_clear_error();
		return PS_ENOMEM;
	}
	if (EVP_EncryptInit_ex2(ctx, alg_sm4_ecb, key, NULL, NULL) != 1 ||
	    EVP_CIPHER_CTX_set_padding(ctx, 0) != 1 ||
	    EVP_EncryptUpdate(ctx, tmp, &n, in, PS_SM4_BLOCK_LEN) != 1 ||
	    n != PS_SM4_BLOCK_LEN) {
		rc = ossl_fail();
		goto out;
	}
	memcpy(out, tmp, sizeof(tmp));
out:
	OPENSSL_cleanse(tmp, sizeof(tmp));
	EVP_CIPHER_CTX_free(ctx);
	return rc;
}

/* SM4-CTR over len bytes; encryption and decryption are the same. */
static int sm4_ctr(const uint8_t key[PS_SM4_KEY_LEN],
		   const uint8_t iv[PS_SEAL_IV_LEN], const uint8_t *in,
		   size_t len, uint8_t *out)
{
	EVP_CIPHER_CTX *ctx;
	int n = 0, rc = PS_OK;

	if (len == 0)
		return PS_OK;
	ctx = EVP_CIPHER_CTX_new();
	if (ctx == NULL) {
		ERR_clear_error();
		return PS_ENOMEM;
	}
	if (EVP_EncryptInit_ex2(ctx, alg_sm4_ctr, key, iv, NULL) != 1) {
		rc = ossl_fail();
		goto out;
	}
	for (size_t off = 0; off < len; off += (size_t)n) {
		size_t chunk = len - off < EVP_CHUNK ? len - off : EVP_CHUNK;

		if (EVP_EncryptUpdate(ctx, out + off, &n, in + off,
				      (int)chunk) != 1 || (size_t)n != chunk) {
			rc = ossl_fail();
			goto out;
		}
	}
	if (EVP_EncryptFinal_ex(ctx, out + len, &n) != 1 || n != 0)
		rc = ossl_fail();
out:
	EVP_CIPHER_CTX_free(ctx);
	return rc;
}

/* HKDF-Expand (RFC 5869 2.3) for one block: HMAC-SM3(key, label || 0x01). */
static int seal_keys(const uint8_t key[PS_SEAL_KEY_LEN],
		     uint8_t enc[PS_SM4_KEY_LEN], uint8_t mac[PS_SM3_LEN])
{
	static const uint8_t one = 0x01;
	struct part pe[2] = {{LABEL_ENC, sizeof(LABEL_ENC) - 1}, {&one, 1}};
	struct part pm[2] = {{LABEL_MAC, sizeof(LABEL_MAC) - 1}, {&one, 1}};
	uint8_t t[PS_SM3_LEN];
	int rc;

	rc = hmac_parts(key, PS_SEAL_KEY_LEN, pe, 2, t);
	if (rc == PS_OK) {
		memcpy(enc, t, PS_SM4_KEY_LEN);
		rc = hmac_parts(key, PS_SEAL_KEY_LEN, pm, 2, mac);
	}
	OPENSSL_cleanse(t, sizeof(t));
	return rc;
}

/* Tag over be64(aadlen) || aad || version || IV || ciphertext, where
 * `msg` points at the version byte and holds `n` bytes up to the tag. */
static int seal_tag(const uint8_t mac[PS_SM3_LEN], const void *aad,
		    size_t aadlen, const uint8_t *msg, size_t n,
		    uint8_t tag[PS_SEAL_TAG_LEN])
{
	uint8_t be[8];
	uint64_t a = aadlen;
	struct part parts[3];

	for (int i = 7; i >= 0; i--, a >>= 8)
		be[i] = (uint8_t)a;
	parts[0] = (struct part){be, sizeof(be)};
	parts[1] = (struct part){aad, aadlen};
	parts[2] = (struct part){msg, n};
	return hmac_parts(mac, PS_SM3_LEN, parts, 3, tag);
}

int ps_sm4_seal(const uint8_t key[PS_SEAL_KEY_LEN], const void *aad,
		size_t aadlen, const void *pt, size_t ptlen, uint8_t *out)
{
	uint8_t enc[PS_SM4_KEY_LEN], mac[PS_SM3_LEN];
	uint8_t *iv = out + 1, *ct = out + 1 + PS_SEAL_IV_LEN;
	int rc;

	if (ptlen > SIZE_MAX - PS_SEAL_OVERHEAD)
		return PS_EINVAL;
	rc = ps_crypto_init();
	if (rc != PS_OK)
		return rc;
	rc = seal_keys(key, enc, mac);
	if (rc != PS_OK)
		goto out;
	out[0] = PS_SEAL_VERSION;
	rc = ps_random_bytes(iv, PS_SEAL_IV_LEN);
	if (rc != PS_OK)
		goto out;
	rc = sm4_ctr(enc, iv, pt, ptlen, ct);
	if (rc != PS_OK)
		goto out;
	rc = seal_tag(mac, aad, aadlen, out, 1 + PS_SEAL_IV_LEN + ptlen,
		      ct + ptlen);
out:
	if (rc != PS_OK)
		OPENSSL_cleanse(out, ptlen + PS_SEAL_OVERHEAD);
	OPENSSL_cleanse(enc, sizeof(enc));
	OPENSSL_cleanse(mac, sizeof(mac));
	return rc;
}

int ps_sm4_open(const uint8_t key[PS_SEAL_KEY_LEN], const void *aad,
		size_t aadlen, const uint8_t *in, size_t inlen, uint8_t *out)
{
	uint8_t enc[PS_SM4_KEY_LEN], mac[PS_SM3_LEN], tag[PS_SEAL_TAG_LEN];
	size_t ctlen;
	int rc;

	if (in == NULL || inlen < PS_SEAL_OVERHEAD)
		return PS_ECRYPTO;
	ctlen = inlen - PS_SEAL_OVERHEAD;
	rc = ps_crypto_init();
	if (rc != PS_OK)
		return rc;
	rc = seal_keys(key, enc, mac);
	if (rc != PS_OK)
		goto out;
	rc = seal_tag(mac, aad, aadlen, in, inlen - PS_SEAL_TAG_LEN, tag);
	if (rc != PS_OK)
		goto out;
	/* constant time: a timing difference would let an attacker forge
	 * the tag byte by byte */
	if (CRYPTO_memcmp(tag, in + inlen - PS_SEAL_TAG_LEN, sizeof(tag)) != 0 ||
	    in[0] != PS_SEAL_VERSION) {
		rc = PS_ECRYPTO;
		goto out;
	}
	rc = sm4_ctr(enc, in + 1, in + 1 + PS_SEAL_IV_LEN, ctlen, out);
	if (rc != PS_OK)
		OPENSSL_cleanse(out, ctlen);
out:
	OPENSSL_cleanse(enc, sizeof(enc));
	OPENSSL_cleanse(mac, sizeof(mac));
	return rc;
}

/* ---- helpers ------------------------------------------------------------ */

int ps_random_bytes(void *buf, size_t n)
{
	uint8_t *p = buf;

	while (n > 0) {
		size_t chunk = n < EVP_CHUNK ? n : EVP_CHUNK;

		if (RAND_bytes(p, (int)chunk) != 1)
			return ossl_fail();
		p += chunk;
		n -= chunk;
	}
	return PS_OK;
}

int ps_hex_encode(const void *p, size_t n, char *out, size_t outlen)
{
	static const char digits[] = "0123456789abcdef";
	const uint8_t *b = p;

	if (out == NULL || n > (SIZE_MAX - 1) / 2 || outlen < 2 * n + 1) {
		if (out != NULL && outlen > 0)
			out[0] = '\0';
		return PS_ELIMIT;
	}
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 0x0f];
	}
	out[2 * n] = '\0';
	return PS_OK;
}

bool ps_ct_equal(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}

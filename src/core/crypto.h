/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Commercial cryptography (商用密码) for Panshi: SM3 hashing, HMAC-SM3 and
 * SM4 authenticated encryption over the OpenSSL 3 EVP API, plus random
 * bytes, hex encoding and constant-time comparison.
 *
 * SM3 and SM4 come from OpenSSL's default provider (Debian 12's OpenSSL
 * 3.0 has both). The algorithms are fetched once per process; a build
 * without them makes every function here return PS_EUNSUP. OpenSSL
 * allocates its own contexts, so these functions never call ps_malloc.
 * Every function is thread-safe; a struct ps_sm3_ctx belongs to one thread
 * at a time.
 */
#ifndef PS_CORE_CRYPTO_H
#define PS_CORE_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define PS_SM3_LEN 32       /* SM3 digest and HMAC-SM3 tag, bytes */
#define PS_SM4_KEY_LEN 16   /* SM4 key */
#define PS_SM4_BLOCK_LEN 16 /* SM4 block */

/*
 * ps_sm4_seal() message layout, all lengths in bytes:
 *   version (1, = PS_SEAL_VERSION) || IV (16) || ciphertext (n) || tag (32)
 * so a sealed message is exactly PS_SEAL_OVERHEAD bytes longer than the
 * plaintext.
 */
#define PS_SEAL_KEY_LEN 32
#define PS_SEAL_VERSION 0x01
#define PS_SEAL_IV_LEN 16
#define PS_SEAL_TAG_LEN 32
#define PS_SEAL_OVERHEAD (1 + PS_SEAL_IV_LEN + PS_SEAL_TAG_LEN)

/*
 * Fetch SM3, SM4-ECB, SM4-CTR and HMAC from OpenSSL once (later calls
 * return the first result). PS_OK, or PS_EUNSUP when the OpenSSL build
 * lacks one of them. The other functions call it themselves; call it at
 * start-up to fail early. Thread-safe.
 */
int ps_crypto_init(void) PS_MUST_USE;

/* SM3 (GB/T 32905-2016) of `len` bytes at `data` into `out`. PS_OK,
 * PS_EUNSUP, PS_ECRYPTO. */
int ps_sm3(const void *data, size_t len, uint8_t out[PS_SM3_LEN]) PS_MUST_USE;

/*
 * Incremental SM3, embedded by the caller: ps_sm3_init, any number of
 * ps_sm3_update, then ps_sm3_final, which writes the digest and releases
 * the OpenSSL context. To abandon a hash (including after an error), call
 * ps_sm3_release; it is a no-op on a finished, released or zeroed ctx.
 * Invariant: md is NULL exactly when no hash is in progress.
 */
struct evp_md_ctx_st; /* OpenSSL's EVP_MD_CTX */
struct ps_sm3_ctx {
	struct evp_md_ctx_st *md;
};

/* PS_OK, PS_ENOMEM (OpenSSL could not allocate), PS_EUNSUP, PS_ECRYPTO. */
int ps_sm3_init(struct ps_sm3_ctx *ctx) PS_MUST_USE;
/* PS_OK, PS_EINVAL (no hash in progress), PS_ECRYPTO. */
int ps_sm3_update(struct ps_sm3_ctx *ctx, const void *data, size_t len) PS_MUST_USE;
/* Write the digest and release ctx, also on failure. PS_OK, PS_EINVAL,
 * PS_ECRYPTO. */
int ps_sm3_final(struct ps_sm3_ctx *ctx, uint8_t out[PS_SM3_LEN]) PS_MUST_USE;
void ps_sm3_release(struct ps_sm3_ctx *ctx);

/* HMAC (RFC 2104) with SM3 over `data`, keyed by `klen` bytes of `key`
 * (any length, 0 included). PS_OK, PS_ENOMEM, PS_EUNSUP, PS_ECRYPTO. */
int ps_hmac_sm3(const void *key, size_t klen, const void *data, size_t len,
		uint8_t out[PS_SM3_LEN]) PS_MUST_USE;

/* Encrypt one 16-byte block with raw SM4 (GB/T 32907-2016), no padding.
 * For known-answer tests and protocols that need the bare cipher; never
 * use it to encrypt data (use ps_sm4_seal). in and out may be equal. */
int ps_sm4_ecb_encrypt_block(const uint8_t key[PS_SM4_KEY_LEN],
			     const uint8_t in[PS_SM4_BLOCK_LEN],
			     uint8_t out[PS_SM4_BLOCK_LEN]) PS_MUST_USE;

/*
 * Authenticated encryption, SM4-CTR then HMAC-SM3 (encrypt-then-MAC).
 *
 * Keys: the 32-byte `key` must be uniformly random (e.g. from
 * ps_random_bytes). It is used as the pseudo-random key of HKDF-Expand
 * (RFC 5869 section 2.3) with HMAC-SM3, one output block per key:
 *   enc_key = HMAC-SM3(key, "panshi-seal-v1 encryption" || 0x01)[0..16)
 *   mac_key = HMAC-SM3(key, "panshi-seal-v1 authentication" || 0x01)
 * IV: 16 fresh bytes from ps_random_bytes, the initial SM4-CTR counter
 * block (128-bit big-endian increment), so one key seals about 2^48
 * messages before IV collisions become a concern.
 * Tag: HMAC-SM3(mac_key, be64(aadlen) || aad || version || IV ||
 * ciphertext), all 32 bytes. The AAD is authenticated but not stored.
 *
 * ps_sm4_seal writes ptlen + PS_SEAL_OVERHEAD bytes to `out`, which must
 * not overlap the inputs. aad and pt may be NULL when their length is 0.
 * Returns PS_OK, PS_EINVAL (length overflow), PS_EUNSUP, PS_ECRYPTO.
 */
int ps_sm4_seal(const uint8_t key[PS_SEAL_KEY_LEN], const void *aad,
		size_t aadlen, const void *pt, size_t ptlen, uint8_t *out) PS_MUST_USE;
/*
 * Verify and decrypt a ps_sm4_seal message of `inlen` bytes, writing
 * inlen - PS_SEAL_OVERHEAD bytes to `out` (not overlapping `in`). The tag
 * is checked in constant time before anything is decrypted; nothing is
 * written to `out` unless the message is authentic. PS_ECRYPTO for a
 * truncated message, an unknown version, a wrong key or AAD, or any
 * modified byte; PS_EUNSUP without SM3/SM4.
 */
int ps_sm4_open(const uint8_t key[PS_SEAL_KEY_LEN], const void *aad,
		size_t aadlen, const uint8_t *in, size_t inlen, uint8_t *out) PS_MUST_USE;

/* n cryptographically strong random bytes (OpenSSL RAND_bytes).
 * PS_OK or PS_ECRYPTO (the generator is not seeded or failed). */
int ps_random_bytes(void *buf, size_t n) PS_MUST_USE;

/* Lowercase hex of n bytes plus a NUL into out (2n + 1 bytes needed).
 * PS_OK, or PS_ELIMIT when outlen is too small (out gets "" if it can). */
int ps_hex_encode(const void *p, size_t n, char *out, size_t outlen) PS_MUST_USE;

/* Whether n bytes at a and b are equal, in time independent of the data
 * (CRYPTO_memcmp). Use it for MACs, tokens and password hashes. */
bool ps_ct_equal(const void *a, const void *b, size_t n);

#endif

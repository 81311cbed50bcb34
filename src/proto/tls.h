/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internal interface between the TLS record/handshake parser (tls.c) and
 * the fingerprint builders (tls_ja.c): the parsed view of a hello message
 * and JA3, JA3S and JA4. Not part of the proto module's public API.
 */
#ifndef PS_PROTO_TLS_H
#define PS_PROTO_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/slice.h"

/* Extension types used here (IANA "TLS ExtensionType Values"). */
#define PS_TLS_EXT_SNI 0x0000
#define PS_TLS_EXT_GROUPS 0x000a
#define PS_TLS_EXT_POINT_FORMATS 0x000b
#define PS_TLS_EXT_SIGALGS 0x000d
#define PS_TLS_EXT_ALPN 0x0010
#define PS_TLS_EXT_VERSIONS 0x002b

#define PS_TLS_MD5_LEN 16
#define PS_TLS_JA4_LEN 36   /* "t13d1516h2_8daaf6152771_e5627efa2ab1" */

/*
 * A ClientHello or ServerHello as parsed by tls.c. Every slice borrows the
 * message bytes and has been checked against its container: `ciphers` and
 * `groups`, `sigalgs`, `versions` hold whole 16-bit values, `exts` is a
 * well-formed extension block, `alpn` a well-formed protocol_name_list.
 * A slice is empty when its field or extension is absent.
 */
struct ps_tls_hello {
	bool server;                  /* ServerHello */
	uint16_t version;             /* legacy_version */
	uint16_t cipher;              /* ServerHello: the chosen suite */
	uint16_t selected_version;    /* ServerHello supported_versions, 0 if none */
	bool has_sni;                 /* extension 0 present (even if empty) */
	bool has_versions;            /* extension 43 present */
	bool bad_ext;                 /* an extension's inside was malformed */
	bool trailing;                /* bytes after the extension block */
	struct ps_slice random;       /* 32 bytes */
	struct ps_slice session_id;   /* 0..32 bytes */
	struct ps_slice ciphers;      /* ClientHello cipher_suites, u16 list */
	struct ps_slice exts;         /* the extension block, type/len/data... */
	struct ps_slice groups;       /* supported_groups, u16 list */
	struct ps_slice point_formats;/* ec_point_formats, u8 list */
	struct ps_slice sigalgs;      /* signature_algorithms, u16 list */
	struct ps_slice alpn;         /* ALPN protocol_name_list, u8-prefixed entries */
	struct ps_slice sni;          /* first host_name of server_name */
	struct ps_slice versions;     /* ClientHello supported_versions, u16 list */
};

enum ps_tls_md { PS_TLS_MD5, PS_TLS_SHA1, PS_TLS_SHA256 };

/*
 * Digest of n bytes at p into out (16, 20 or 32 bytes). PS_OK, PS_EUNSUP
 * (the algorithm is not available, e.g. MD5 under FIPS), PS_ECRYPTO.
 * Thread-safe.
 */
int ps_proto_tls_digest(enum ps_tls_md md, const void *p, size_t n,
			uint8_t *out) PS_MUST_USE;

/* GREASE values (RFC 8701): 0x0a0a, 0x1a1a, ... 0xfafa. */
static inline bool ps_tls_is_grease(uint16_t v)
{
	return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

/*
 * Parse a ClientHello (server false) or ServerHello body (after the 4-byte
 * handshake header) of n bytes at p into *h, which borrows p. PS_OK or
 * PS_EPROTO (a length does not fit its container). Thread-safe.
 */
int ps_proto_tls_hello_parse(struct ps_tls_hello *h, bool server,
			     const uint8_t *p, size_t n) PS_MUST_USE;

/*
 * JA3 of a ClientHello or JA3S of a ServerHello: appends the decimal
 * string ("771,4865-4866,0-23,29-23,0") to `out` and writes its MD5 to
 * md5. GREASE values are left out of every list. PS_OK, PS_ELIMIT or
 * PS_ENOMEM from `out`, PS_EUNSUP when MD5 is unavailable (FIPS). `out`
 * is left as it was on error. Thread-safe.
 */
int ps_proto_tls_ja3(const struct ps_tls_hello *h, struct ps_buf *out,
		     uint8_t md5[PS_TLS_MD5_LEN]) PS_MUST_USE;

/*
 * JA4 (FoxIO, technical_details/JA4.md) of a ClientHello into out as a
 * NUL-terminated 36-character string; `transport` is 't' (TCP), 'q'
 * (QUIC) or 'd' (DTLS). If `raw` is not NULL the unhashed "ja4_r" form is
 * appended to it. PS_OK, PS_ENOMEM, PS_ELIMIT (raw full), PS_EUNSUP (no
 * SHA-256). Thread-safe.
 */
int ps_proto_tls_ja4(const struct ps_tls_hello *h, char transport,
		     char out[PS_TLS_JA4_LEN + 1], struct ps_buf *raw) PS_MUST_USE;

#endif

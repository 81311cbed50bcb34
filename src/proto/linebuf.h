/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers shared by the cleartext line protocols (SMTP, POP3, IMAP, FTP):
 * a bounded CRLF line splitter, a capped bag of tagged strings for the
 * fields of one transaction, and SASL PLAIN/LOGIN decoding that yields the
 * user name and only the length of the password.
 */
#ifndef PS_PROTO_LINEBUF_H
#define PS_PROTO_LINEBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/jsonw.h"
#include "core/slice.h"
#include "proto/proto.h"

#define PS_LINEBUF_TAIL 64

/*
 * Splits one direction of a stream into lines ended by LF (a CR before
 * the LF is dropped, so CRLF and bare LF both work). A line that arrives
 * whole in one chunk is returned in place; only the unfinished tail of a
 * chunk is copied, into `part`, allocated on first use and never longer
 * than max + 1. A line longer than `max` is dropped up to its LF and
 * reported once, at its end, with its last PS_LINEBUF_TAIL bytes.
 * Invariants: part.len <= max + 1; tail_len <= PS_LINEBUF_TAIL.
 * One per direction per flow; not thread-safe.
 */
struct ps_proto_linebuf {
	struct ps_buf part;     /* start of an unfinished line */
	size_t max;             /* longest line returned, terminator excluded */
	uint64_t acc;           /* bytes of the current line seen so far */
	size_t raw;             /* wire length of the line last returned */
	bool skip;              /* dropping an over-long line */
	bool resync;            /* dropping the line a gap cut, silently */
	bool used_part;         /* the last line points into part */
	uint8_t tail_len;
	uint8_t tail[PS_LINEBUF_TAIL];
};

/* Empty splitter for lines of at most `max` bytes. No allocation. */
void ps_proto_linebuf_init(struct ps_proto_linebuf *lb, size_t max);
/* Free the copy buffer; the splitter is empty and reusable. */
void ps_proto_linebuf_release(struct ps_proto_linebuf *lb);
/* Forget any unfinished line. */
void ps_proto_linebuf_reset(struct ps_proto_linebuf *lb);
/* Bytes were lost: drop everything up to the next LF without reporting. */
void ps_proto_linebuf_gap(struct ps_proto_linebuf *lb);

/*
 * Take the next line from `data`: *used gets how many bytes of data were
 * consumed (always > 0 when len > 0). Returns PS_OK with *line set (valid
 * until the next call; lb->raw is its length on the wire, CRLF included),
 * PS_EAGAIN when all of data went into an unfinished line, or PS_ELIMIT
 * when a line over `max` bytes just ended (*line is its tail; the caller
 * counts the anomaly). Never fails otherwise: when the copy buffer cannot
 * grow, the line is treated as too long.
 */
int ps_proto_linebuf_next(struct ps_proto_linebuf *lb, const uint8_t *data,
			  size_t len, size_t *used, struct ps_slice *line);

/*
 * A capped bag of tagged strings: the text fields of one transaction kept
 * in one buffer charged to PS_MEM_PROTO. Entries are (tag, 16-bit length,
 * bytes) in insertion order. Invariant: n counts the entries in b.
 */
struct ps_proto_strs {
	struct ps_buf b;
	uint16_t n;
};

void ps_proto_strs_init(struct ps_proto_strs *s, size_t max);
void ps_proto_strs_reset(struct ps_proto_strs *s);
void ps_proto_strs_release(struct ps_proto_strs *s);
/* Add an entry of at most 65535 bytes (longer values are cut there).
 * PS_OK, PS_ELIMIT when the bag is full, PS_ENOMEM. */
int ps_proto_strs_add(struct ps_proto_strs *s, uint8_t tag, const void *p,
		      size_t n) PS_MUST_USE;
/* Append bytes to the last entry (which must have `tag`); same codes, and
 * PS_ENOENT when the last entry has another tag. */
int ps_proto_strs_append(struct ps_proto_strs *s, uint8_t tag, const void *p,
			 size_t n) PS_MUST_USE;
/* Remove every entry with `tag`, keeping the others in order. */
void ps_proto_strs_del(struct ps_proto_strs *s, uint8_t tag);
/* Iterate: start with *off = 0; false at the end. */
bool ps_proto_strs_next(const struct ps_proto_strs *s, size_t *off,
			uint8_t *tag, struct ps_slice *v);
/* The first entry with `tag`; false when there is none. */
bool ps_proto_strs_get(const struct ps_proto_strs *s, uint8_t tag,
		       struct ps_slice *v);
size_t ps_proto_strs_count(const struct ps_proto_strs *s, uint8_t tag);
/* Write the first `tag` entry as string `key` (nothing if absent). */
void ps_proto_strs_write_one(struct ps_jw *w, const char *key,
			     const struct ps_proto_strs *s, uint8_t tag);
/* Write every `tag` entry as array `key` (nothing if none). */
void ps_proto_strs_write_all(struct ps_jw *w, const char *key,
			     const struct ps_proto_strs *s, uint8_t tag);

/* SASL mechanisms the parsers decode (RFC 4616 PLAIN, the LOGIN draft). */
enum ps_sasl_mech { PS_SASL_OTHER = 0, PS_SASL_PLAIN, PS_SASL_LOGIN };

#define PS_SASL_USER_MAX 128

/*
 * A SASL exchange seen from the client side. Only the user name is kept;
 * of the password only its decoded length. Embedded in parser state.
 */
struct ps_proto_sasl {
	char mech[24];             /* mechanism name as sent, upper case */
	uint8_t kind;              /* enum ps_sasl_mech */
	uint8_t step;              /* client responses seen */
	bool active;               /* the client may still send responses */
	bool have_user, have_pass, cancelled, bad;
	uint8_t user_len;
	uint32_t pass_len;
	char user[PS_SASL_USER_MAX];
};

/*
 * Begin an exchange for mechanism `mech`; `ir` is the initial response
 * (RFC 4954 section 4) when has_ir. The client side stays active until
 * the mechanism's responses have all been seen (PLAIN 1, LOGIN 2) or,
 * for other mechanisms, until the caller ends it on the final reply.
 */
void ps_proto_sasl_start(struct ps_proto_sasl *a, struct ps_slice mech,
			 bool has_ir, struct ps_slice ir);
/* Feed one client response line (base64 text). */
void ps_proto_sasl_response(struct ps_proto_sasl *a, struct ps_slice line);
/* Write "mechanism", "user", "password" (masked) and "password_len". */
void ps_proto_sasl_write(struct ps_jw *w, const struct ps_proto_sasl *a);

/*
 * Length of the base64 text `in` once decoded, checking the alphabet and
 * padding (RFC 4648 section 4); -1 when it is not base64. Decodes nothing.
 */
long ps_proto_b64_len(struct ps_slice in);
/* Decode base64 into out[cap]; PS_OK with *n, PS_EPROTO, PS_ELIMIT. */
int ps_proto_b64_decode(struct ps_slice in, uint8_t *out, size_t cap,
			size_t *n) PS_MUST_USE;

/*
 * Probe helper: YES when data starts with `word` (ASCII case-insensitive),
 * MORE when data is shorter than `word` and a prefix of it, else NO.
 */
enum ps_probe ps_proto_probe_prefix(const uint8_t *data, size_t len,
				    const char *word);
/* ASCII case-insensitive prefix test. */
bool ps_proto_ci_prefix(struct ps_slice s, const char *prefix);
/* Case-insensitive substring test (bytes >= 0x80 compare exactly). */
bool ps_proto_ci_contains(struct ps_slice s, const char *needle);
/* Split off the first space-separated word of *s (leading spaces skipped). */
struct ps_slice ps_proto_word(struct ps_slice *s);
/* Decimal digits of s as a number; false when empty, not all digits, or
 * above `max`. */
bool ps_proto_parse_uint(struct ps_slice s, uint64_t max, uint64_t *out);

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internals shared by the intel files: the parse context every importer
 * fills indicators through, the format table, and small text helpers.
 * A new importer (STIX, MISP) adds a struct ps_intel_format_ops and its
 * entry in import.c's table; it emits with ps_intel_emit and reports bad
 * records with ps_intel_bad.
 */
#ifndef PS_INTEL_INT_H
#define PS_INTEL_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "intel/intel.h"

/* Longest line an importer accepts; longer ones are bad lines. */
#define PS_INTEL_LINE_MAX (64 * 1024)

/*
 * One parse of one input. The driver (import.c) owns it: it sets the
 * resolved defaults, counts lines, and hands every emitted indicator to
 * the sink. Formats keep their own state in `state` (state_size bytes,
 * zeroed before begin).
 */
#define PS_INTEL_SOURCE_NAME_MAX 128

struct ps_intel_parse {
	const struct ps_intel_import_opts *o;
	const char *name;             /* input name for messages */
	long line;                    /* 1-based number of the current line */
	struct ps_intel_report *r;
	ps_intel_sink_fn sink;
	void *sink_arg;
	int sink_rc;                  /* first failure of the sink; stops the parse */
	/* defaults resolved from the options, the source and the built-ins */
	enum ps_ioc_category category; /* NONE: by type */
	uint8_t severity, confidence;
	enum ps_tlp tlp;
	bool shareable;
	int64_t now, ttl_us;
	void *state;
	struct ps_ioc_norm norm;      /* scratch for ps_intel_emit */
	char tags[PS_INTEL_TAGS_MAX + 1];
	char source[PS_INTEL_SOURCE_NAME_MAX + 1]; /* a record's own source */
	struct ps_diag diag;
	/* the record a bad line is about when it has no line of its own
	 * (a STIX object id, "<event>.json:<attribute uuid>"); NULL none */
	const char *where;
};

/* What a record may say about its indicator beyond the value. */
struct ps_intel_extra {
	enum ps_ioc_category category; /* NONE: the parse's default */
	int severity;                  /* 0: default */
	int confidence;                /* -1: default */
	int tlp;                       /* -1: default */
	const char *family;            /* NULL: o->family */
	size_t family_len;
	const char *tags;              /* comma-separated, appended to o->tags */
	size_t tags_len;
	int64_t first_seen, last_seen; /* 0: now */
	bool subdomains;
	int64_t expires;               /* 0: by the TTL of the import or source */
	int shareable;                 /* -1: default; 0: not shareable (a record can
					* only restrict, never widen, what the import allows) */
	const char *source;            /* the record's own source (Panshi's STIX
					* x_panshi_source); NULL: the import's */
	size_t source_len;
};

/* An extra with everything at its default. */
void ps_intel_extra_init(struct ps_intel_extra *x);

/*
 * Normalise v[0..n) (hint as ps_ioc_normalize) and hand the indicator to
 * the sink with the defaults and `x` (may be NULL). A value that does not
 * normalise, or a family or tag list that is not valid UTF-8 or too
 * long, is a bad line. Returns PS_OK (also after a bad line) or the
 * sink's error, which the format returns at once.
 */
int ps_intel_emit(struct ps_intel_parse *p, enum ps_ioc_type hint, const char *v,
		  size_t n, const struct ps_intel_extra *x) PS_MUST_USE;
/* Count a bad line with its reason (message id with its arguments). */
void ps_intel_bad(struct ps_intel_parse *p, enum ps_msg_id id, ...);
/* Count a bad line whose reason is already text. */
void ps_intel_bad_text(struct ps_intel_parse *p, const char *msg);
/* Count a skipped line under `reason` (see struct ps_intel_report). */
void ps_intel_skip(struct ps_intel_parse *p, enum ps_msg_id reason);

/* A format: line-oriented (begin/line/end) or whole-document. */
struct ps_intel_format_ops {
	enum ps_intel_format format;
	size_t state_size;
	/* Check options (e.g. a CSV map) before any input; PS_EINVAL with p->diag set. */
	int (*begin)(struct ps_intel_parse *p);
	/* One line without its newline (a trailing CR is removed); may modify it. */
	int (*line)(struct ps_intel_parse *p, char *s, size_t len);
	/* After the last line. */
	int (*end)(struct ps_intel_parse *p);
	/* Free what begin/line allocated in state; called whatever happened. */
	void (*release)(struct ps_intel_parse *p);
	/* Whole input at once (JSON formats); NULL for line formats. */
	int (*document)(struct ps_intel_parse *p, const char *data, size_t len);
	/* A directory given as the input (MISP feeds); NULL: refused. */
	int (*directory)(struct ps_intel_parse *p, const char *path);
};

extern const struct ps_intel_format_ops ps_intel_fmt_list;
extern const struct ps_intel_format_ops ps_intel_fmt_csv;
extern const struct ps_intel_format_ops ps_intel_fmt_maltrail;
extern const struct ps_intel_format_ops ps_intel_fmt_stix;
extern const struct ps_intel_format_ops ps_intel_fmt_misp;

/*
 * Import one MISP event document (a parsed {"Event": ...} object, or a
 * {"response": [{"Event": ...}, ...]} answer of restSearch); `file` names
 * it in bad-record locations. Used by the MISP format and by the STIX
 * format when a .json file turns out to be a MISP event. Returns PS_OK
 * (bad attributes counted), PS_EINVAL (not an event: p->diag says why),
 * PS_ENOMEM or the sink's error.
 */
struct json_t;
int ps_intel_misp_event(struct ps_intel_parse *p, struct json_t *root, const char *file);

/* ---- STIX patterns (stix_pattern.c) ---------------------------------------- */

/*
 * The ids of the TLP 2.0 marking definitions (OASIS cti-stix-common-objects,
 * extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d), by enum
 * ps_tlp; import_stix.c also reads the TLP 1.0 ids of STIX 2.1 section 7.2.1.4.
 */
extern const char *const ps_stix_tlp2_ids[PS_TLP__COUNT];

/* One comparison of a STIX pattern that names an indicator we keep. */
struct ps_stix_cmp {
	enum ps_ioc_type type;  /* IPV4 or IPV6 (address or CIDR), DOMAIN, URL,
				 * MD5, SHA1, SHA256, JA3, JA4 */
	bool subdomains;        /* domain-name:value LIKE '%.name' */
	size_t off, len;        /* the unescaped string constant in values */
};

/*
 * The result of parsing one pattern of the subset we read: comparisons
 * joined by OR (inside one [...] or across several [...] OR [...], with
 * parentheses), each `path = 'string'` on ipv4-addr:value,
 * ipv6-addr:value (also ISSUBSET 'CIDR'), domain-name:value (also LIKE
 * '%.name'), url:value, file:hashes.MD5 / 'SHA-1' / 'SHA-256' (quoted or
 * not, SHA1 and SHA256 too), and our x-panshi-tls-fingerprint:ja3 / ja4.
 * A comparison OR'd with others on anything else (other object types,
 * operators, NOT, EXISTS, other hashes) is dropped and counted: what the
 * rest matches is still a subset of what the pattern matches. AND,
 * FOLLOWEDBY and the qualifiers WITHIN, REPEATS, START/STOP make the
 * whole pattern unsupported. Keywords are case-insensitive as in the
 * STIX grammar; strings know only the escapes \' and \\.
 */
struct ps_stix_pattern {
	struct ps_vec cmps;     /* struct ps_stix_cmp */
	struct ps_buf values;   /* the constants, each followed by a NUL */
	size_t dropped;         /* comparisons dropped */
	/* why the parse failed, or why the first comparison was dropped */
	enum ps_msg_id why;
	size_t at;              /* byte offset in the pattern */
	char what[96];          /* the path or keyword concerned */
	char op[16];            /* the operator of a dropped comparison */
};

#define PS_STIX_PATTERN_MAX (1 << 20)   /* bytes */
#define PS_STIX_CMP_MAX 100000

void ps_stix_pattern_init(struct ps_stix_pattern *sp);
void ps_stix_pattern_release(struct ps_stix_pattern *sp);
/*
 * Parse `n` bytes at `s` into sp (emptied first). Returns PS_OK (cmps
 * filled; dropped may be > 0), PS_EPROTO (not a valid pattern: why/at),
 * PS_EUNSUP (valid as far as read, but AND, FOLLOWEDBY or a qualifier:
 * why/what), PS_ELIMIT (longer than PS_STIX_PATTERN_MAX or more than
 * PS_STIX_CMP_MAX comparisons), PS_ENOMEM.
 */
int ps_stix_pattern_parse(struct ps_stix_pattern *sp, const char *s, size_t n) PS_MUST_USE;
/* The value of comparison i, NUL-terminated (borrowed from sp). */
const char *ps_stix_pattern_value(const struct ps_stix_pattern *sp, size_t i);
/* Why the last parse failed or dropped a comparison, in the current language. */
void ps_stix_pattern_why(const struct ps_stix_pattern *sp, int rc, char *buf, size_t n);

/* True when s[0..n) is valid UTF-8 without NUL bytes. */
bool ps_intel_utf8_valid(const char *s, size_t n);
/* s[0..n) without leading and trailing spaces and tabs. */
void ps_intel_trim(const char **s, size_t *n);

#endif

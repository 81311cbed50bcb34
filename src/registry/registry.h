/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The registry: operators, departments, people, network units and their
 * grading and filing, assets, the data catalogue, IP and ICP filings,
 * plans, drills, training, commercial-cryptography applications,
 * assessments and inspections, kept in the store (migration 3).
 *
 * Every entity kind is described by a table of fields (kinds.c). The
 * descriptors drive validation, the store's columns, the CLI's options,
 * CSV/YAML import and export and, later, the API, so a new field is added
 * in one place (plus its migration). A record is a row of normalised
 * strings, one per field, which is what spreadsheets, the CLI and JSON all
 * hold; typed readers (dates, integers) sit on top.
 *
 * Keys: every record has a text key unique within its kind ("U-GD-001"),
 * chosen by the operator or generated as "<prefix>-<n>" when left empty.
 * Keys never change; references between records name keys and are
 * enforced by foreign keys, so a referenced record cannot be deleted.
 *
 * Threads: a struct ps_registry wraps one store handle and belongs to one
 * thread at a time, like the handle.
 */
#ifndef PS_REGISTRY_H
#define PS_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/timeutil.h"

struct ps_store;
struct ps_policy;

/* What a field holds, and how its text is checked and normalised. */
enum ps_reg_ftype {
	PS_REG_TEXT,    /* any UTF-8 text without control characters */
	PS_REG_INT,     /* decimal int64, no sign unless `arg` is "signed" */
	PS_REG_NUM,     /* non-negative decimal with up to 2 fraction digits ("1.5") */
	PS_REG_DATE,    /* a real YYYY-MM-DD (rule 40: 2018-09-31 is refused) */
	PS_REG_FLAG,    /* true/false; also accepts 1/0, yes/no, 是/否 */
	PS_REG_ENUM,    /* one of the '|'-separated words in `arg` */
	PS_REG_LABEL,   /* a label of a policy table column, `arg` "table:column" */
	PS_REG_LEVEL,   /* protection level, bounds from policy protection.level.* */
	PS_REG_REF,     /* key of a record of kind `arg` */
	PS_REG_IPRANGE, /* "a.b.c.d", "a.b.c.d/n", "a.b.c.d-e.f.g.h", same for IPv6;
			   normalised to a CIDR when it is one, else "lo-hi" */
	PS_REG_CPE,     /* a CPE 2.3 formatted string "cpe:2.3:a:vendor:product:..." */
	PS_REG_USCC,    /* 统一社会信用代码: 18 symbols, MOD 31 check (rule 34) */
};

enum ps_reg_field_flag {
	PS_REG_F_REQUIRED = 1u << 0, /* must be non-empty */
	PS_REG_F_FILED = 1u << 1,    /* catalogue: compared against the filed values */
	PS_REG_F_LIST = 1u << 2,     /* shown by `list` (others only by `show`) */
	PS_REG_F_SCALE = 1u << 3,    /* catalogue: a scale (records, storage): 30% rule */
};

struct ps_reg_field {
	const char *name;  /* column, CLI option (--name), CSV/YAML header */
	const char *zh;    /* Chinese header, also accepted on import */
	enum ps_reg_ftype type;
	unsigned flags;    /* enum ps_reg_field_flag */
	const char *arg;   /* see enum ps_reg_ftype */
	const char *help;  /* one line, English */
};

struct ps_reg_kind {
	const char *name;       /* "unit": CLI noun, CSV/YAML kind */
	const char *plural;     /* "units": YAML section, API collection */
	const char *table;      /* "reg_units" */
	const char *prefix;     /* "U": generated keys "U-1", "U-2", ... */
	const char *zh;         /* "网络单元" */
	const struct ps_reg_field *fields; /* excluding the key */
	size_t n_fields;
};

/* The kinds, in dependency order (a kind only references earlier ones). */
size_t ps_reg_kind_count(void);
const struct ps_reg_kind *ps_reg_kind_at(size_t i);
/* By name or plural ("unit", "units"); NULL if none. */
const struct ps_reg_kind *ps_reg_kind_find(const char *name);
/* Index of a field by name or Chinese header, or -1. "key"/"编号" is -2. */
int ps_reg_field_find(const struct ps_reg_kind *k, const char *name);

/*
 * One record: the key and one string per field (NULL = empty), in the
 * kind's field order. Owned strings; build with ps_reg_record_new().
 */
struct ps_reg_record {
	const struct ps_reg_kind *kind;
	char *key;
	char **vals;       /* kind->n_fields entries */
	int64_t created_us; /* set by the store */
	int64_t updated_us;
};

struct ps_reg_record *ps_reg_record_new(const struct ps_reg_kind *k);
void ps_reg_record_free(struct ps_reg_record *r);
/* Set the key or a field by name ("key" or a field name); copies `v`
 * (NULL or "" clears). PS_ENOENT for an unknown name, PS_ENOMEM. */
int ps_reg_record_set(struct ps_reg_record *r, const char *field,
		      const char *v) PS_MUST_USE;
/* The value of a field by name, NULL when empty or unknown. */
const char *ps_reg_record_get(const struct ps_reg_record *r, const char *field);
/* Typed readers: PS_OK, PS_ENOENT (empty) or PS_EINVAL (not that type). */
int ps_reg_record_date(const struct ps_reg_record *r, const char *field,
		       struct ps_date *out) PS_MUST_USE;
int ps_reg_record_int(const struct ps_reg_record *r, const char *field,
		      int64_t *out) PS_MUST_USE;
bool ps_reg_record_flag(const struct ps_reg_record *r, const char *field);
struct ps_reg_record *ps_reg_record_dup(const struct ps_reg_record *r);

/*
 * A registry over an open, migrated store and a loaded policy (both
 * borrowed, must outlive it). `today` is the date used for generated
 * dates (catalogue change dates); ps_registry_open sets it to the current
 * date in Asia/Shanghai and callers may override it.
 */
struct ps_registry {
	struct ps_store *st;
	const struct ps_policy *pol;
	struct ps_date today;
	const char *actor; /* who makes changes ("cli:alice"); may be NULL */
	/*
	 * Called after every successful insert, update or delete, inside its
	 * transaction (the audit trail of issue 6 hooks here). `before` is
	 * NULL for an insert, `after` NULL for a delete. A non-zero return
	 * rolls the change back and is returned.
	 */
	int (*on_change)(void *arg, const char *op, const struct ps_reg_record *before,
			 const struct ps_reg_record *after);
	void *on_change_arg;
};

int ps_registry_open(struct ps_store *st, const struct ps_policy *pol,
		     struct ps_registry *r) PS_MUST_USE;

/*
 * Check and normalise every field of `rec` in place: types, enums, policy
 * labels and level bounds, required fields, and the kind's own rules
 * (e.g. a unit whose filing status is "filed" needs a filing date).
 * References are checked by
 * insert/update, not here. On error `d` names the record and field:
 *   "unit 'U-1': field 'level': 6 is above the highest level 5
 *    (policy protection.level.max)"
 * and PS_EINVAL is returned.
 */
int ps_reg_validate(const struct ps_registry *r, struct ps_reg_record *rec,
		    struct ps_diag *d) PS_MUST_USE;

/*
 * Validate and insert; an empty key is generated and written back to
 * rec->key. PS_EEXIST when the key is taken, PS_ENOENT (with the field
 * named) when a reference names no record, PS_EINVAL, PS_EDB.
 */
int ps_reg_insert(struct ps_registry *r, struct ps_reg_record *rec,
		  struct ps_diag *d) PS_MUST_USE;
/*
 * Replace the record with rec->key (every field; read it first with
 * ps_reg_get to change some). PS_ENOENT when there is none. Kind rules
 * run here too: changing a PS_REG_F_FILED field of a filed catalogue
 * entry sets its change_date to r->today unless the caller set it.
 */
int ps_reg_update(struct ps_registry *r, struct ps_reg_record *rec,
		  struct ps_diag *d) PS_MUST_USE;
/* Insert or update by key (import). *inserted tells which. */
int ps_reg_upsert(struct ps_registry *r, struct ps_reg_record *rec,
		  bool *inserted, struct ps_diag *d) PS_MUST_USE;
/* PS_ENOENT when absent; PS_EEXIST (the message names the referencing
 * kind) while another record references it. */
int ps_reg_delete(struct ps_registry *r, const struct ps_reg_kind *k,
		  const char *key, struct ps_diag *d) PS_MUST_USE;
/* *out is a new record (ps_reg_record_free) or PS_ENOENT. */
int ps_reg_get(struct ps_registry *r, const struct ps_reg_kind *k,
	       const char *key, struct ps_reg_record **out) PS_MUST_USE;

#define PS_REG_FILTER_MAX 8
/* Records whose fields equal the given values; zeroed = all, by key. */
struct ps_reg_filter {
	const char *field[PS_REG_FILTER_MAX];
	const char *value[PS_REG_FILTER_MAX];
	size_t n;
	int64_t limit;  /* 0 = no limit */
	int64_t offset;
};

/* `rec` is borrowed for the call. Non-zero stops the listing and is returned. */
typedef int (*ps_reg_record_fn)(void *arg, const struct ps_reg_record *rec);

int ps_reg_list(struct ps_registry *r, const struct ps_reg_kind *k,
		const struct ps_reg_filter *f, ps_reg_record_fn fn,
		void *arg) PS_MUST_USE;
int ps_reg_count(struct ps_registry *r, const struct ps_reg_kind *k,
		 const struct ps_reg_filter *f, int64_t *n) PS_MUST_USE;

/*
 * Parse an IP range as PS_REG_IPRANGE accepts it. lo/hi are 16 bytes in
 * network order (IPv4 in the first 4 bytes, rest zero, as struct
 * ps_addr); *v6 tells the family. PS_EINVAL on anything else (host bits
 * set in a CIDR are refused: "10.0.0.1/8").
 */
int ps_reg_iprange_parse(const char *s, uint8_t lo[16], uint8_t hi[16],
			 bool *v6) PS_MUST_USE;

/* ---- added with the implementation (helper reg-core) ---- */

/* Room for any normalised range: "lo-hi" of two IPv6 addresses. */
#define PS_REG_IPRANGE_FMT_SIZE 96

/*
 * Write the normal form of [lo, hi]: a plain address when lo == hi, a
 * CIDR when the range is exactly one block ("10.0.0.0/8"), else "lo-hi";
 * IPv6 in RFC 5952 form. PS_OK, PS_ELIMIT (out too small), PS_EINVAL.
 */
int ps_reg_iprange_fmt(const uint8_t lo[16], const uint8_t hi[16], bool v6,
		       char *out, size_t n) PS_MUST_USE;

/*
 * The sortable form of a 16-byte address (as ps_reg_iprange_parse gives
 * it) kept in the hidden <field>_lo/<field>_hi columns of IP ranges and
 * asset addresses: "4:" or "6:" and 32 lowercase hex digits, so
 * "lo <= ? AND hi >= ?" finds the ranges containing an address with plain
 * string comparison on both backends. out has PS_REG_SORTKEY_SIZE bytes.
 */
#define PS_REG_SORTKEY_SIZE 35
void ps_reg_sortkey(const uint8_t a[16], bool v6, char *out);

/*
 * Check and normalise one value of field `f` as ps_reg_validate does
 * (type and policy bounds only, no kind rules, no reference lookup).
 * Surrounding white space is trimmed; empty input gives *out NULL. On
 * success *out is a new string (ps_free) or NULL; on PS_EINVAL `d` says
 * "field 'level': 6 is above the highest level 5 (policy
 * protection.level.max)". `r` supplies the policy (LEVEL, LABEL) and may
 * be NULL for the other types. PS_ENOMEM.
 */
int ps_reg_value_check(const struct ps_registry *r, const struct ps_reg_field *f,
		       const char *in, char **out, struct ps_diag *d) PS_MUST_USE;

/* A key: 1..128 bytes of UTF-8 without control characters, spaces or
 * commas. PS_OK or PS_EINVAL with "key '...' ..." in d. */
int ps_reg_key_check(const char *key, struct ps_diag *d) PS_MUST_USE;

/*
 * File a catalogue entry: keep the current PS_REG_F_FILED values in
 * filed_values (a JSON object field -> string or null), set filed_date
 * to `date` and clear change_date, as one update (on_change runs).
 * PS_ENOENT (no such entry), PS_EINVAL (invalid date), PS_EDB, PS_ENOMEM.
 */
int ps_reg_catalog_file(struct ps_registry *r, const char *key, struct ps_date date,
			struct ps_diag *d) PS_MUST_USE;

/*
 * The asset whose address contains `ip` (one IPv4 or IPv6 address),
 * choosing the narrowest range (a host before its subnet; ties by key).
 * *out is a new record or the return is PS_ENOENT; PS_EINVAL when `ip` is
 * not a single address; PS_EDB, PS_ENOMEM.
 */
int ps_reg_find_asset_by_ip(struct ps_registry *r, const char *ip,
			    struct ps_reg_record **out) PS_MUST_USE;

/* ---- added with routing (helper route, issue 6) ---- */

/*
 * The owners of an event address: the narrowest asset covering it
 * (ps_reg_find_asset_by_ip), its unit and the unit's operator, and the
 * responsible department and person: the asset's when set, else the
 * unit's. Strings are owned (NULL when empty); unit_level is 0 unknown.
 */
struct ps_reg_route {
	bool registered; /* false: no asset covers the address */
	char *asset_key, *asset_name, *unit_key, *unit_name, *operator_key,
		*operator_name, *dept_key, *dept_name, *person_key, *person_name,
		*person_phone;
	int unit_level;
};

/*
 * Route one IPv4 or IPv6 address. PS_OK with out->registered false when
 * no asset covers it (the unregistered-asset case); PS_EINVAL for
 * anything but a single address, with `d` naming it; PS_EDB, PS_ENOMEM.
 * Release *out with ps_reg_route_release (also after an error).
 */
int ps_reg_route_ip(struct ps_registry *r, const char *ip, struct ps_reg_route *out,
		    struct ps_diag *d) PS_MUST_USE;
void ps_reg_route_release(struct ps_reg_route *rt);

#endif

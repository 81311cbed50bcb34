/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Table-driven configuration: each module describes its settings as a table
 * of typed items with bounds, defaults and a one-line doc; the loader reads
 * a YAML file (libyaml) into the modules' settings structs and rejects
 * unknown keys and out-of-range values with "file:line: message".
 */
#ifndef PS_CORE_CONF_H
#define PS_CORE_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/err.h"

enum ps_conf_type {
	PS_CONF_BOOL,     /* bool;    true/false, yes/no, on/off */
	PS_CONF_INT,      /* int64_t; decimal, bounds min..max */
	PS_CONF_SIZE,     /* uint64_t bytes; suffixes k, M, G (1024-based) */
	PS_CONF_DURATION, /* int64_t seconds; suffixes s, m, h, d */
	PS_CONF_STRING,   /* char *, owned by the conf; max = longest length */
	PS_CONF_ENUM,     /* int index into `choices` */
};

/* One setting. `offset` is offsetof() into the section's struct. */
struct ps_conf_item {
	const char *key;
	enum ps_conf_type type;
	size_t offset;
	int64_t min, max;           /* INT/SIZE/DURATION bounds; STRING max length */
	const char *def;            /* default, written as in the YAML file */
	const char *const *choices; /* ENUM: NULL-terminated names */
	const char *doc;            /* one line, shown by `panshi config dump` */
};

/* A top-level YAML mapping, e.g. "store:", owned by one module. */
struct ps_conf_section {
	const char *name;
	const char *doc;
	const struct ps_conf_item *items;
	size_t n_items;
	size_t size; /* sizeof the module's settings struct */
};

/* A loaded configuration: one settings struct per registered section. */
struct ps_conf {
	const struct ps_conf_section *const *secs;
	size_t n_secs;
	void **data;      /* data[i] is the struct for secs[i] */
	bool **set;       /* set[i][j]: item j of section i came from a file */
};

/*
 * Set up `c` for the given sections (borrowed, must outlive c) and fill every
 * item with its default. Returns PS_OK, PS_ENOMEM, or PS_EINVAL if a default
 * in a table is itself invalid (a programming error, named in `d`).
 */
int ps_conf_init(struct ps_conf *c, const struct ps_conf_section *const *secs,
		 size_t n_secs, struct ps_diag *d) PS_MUST_USE;
/*
 * Read YAML from a file or memory over the current values. On any error
 * (PS_ENOENT for a missing file, PS_EIO, PS_ELIMIT for a file over 16 MiB,
 * PS_EPROTO for YAML syntax with "file:line:column", PS_EINVAL for unknown
 * sections or keys, duplicates, wrong types or out-of-range values,
 * PS_ENOMEM) `d` names "file:line: ..." and `c` keeps the values it had
 * before the call. An empty file, or one with only comments, is valid.
 * Settings structs stay at the same address across loads. Not thread-safe.
 */
int ps_conf_load_file(struct ps_conf *c, const char *path, struct ps_diag *d) PS_MUST_USE;
int ps_conf_load_mem(struct ps_conf *c, const char *name, const char *text,
		     size_t len, struct ps_diag *d) PS_MUST_USE;
/*
 * The settings struct of section `name`, borrowed; NULL if not registered.
 * The address is stable for the life of `c`; loads update it in place.
 */
void *ps_conf_section_get(const struct ps_conf *c, const char *name);
/*
 * The item named "section.key", or NULL. When found, *sec and *item (each
 * may be NULL) receive its indexes into c->secs and that section's items.
 */
const struct ps_conf_item *ps_conf_item_find(const struct ps_conf *c,
					     const char *dotted, size_t *sec,
					     size_t *item);
/*
 * Format the current value of "section.key" as it would be written in the
 * YAML file, without quotes (sizes and durations with their largest exact
 * suffix: "64M", "5m"). Returns PS_OK, PS_ENOENT for an unknown name, or
 * PS_ELIMIT when `out` was too small (it then holds a truncated string).
 */
int ps_conf_get_text(const struct ps_conf *c, const char *dotted, char *out,
		     size_t outlen) PS_MUST_USE;
/*
 * Set "section.key" from text, with the same parsing and checks as a file
 * (`d` reads "'store.x' must be ..."). On error `c` is unchanged. Returns
 * PS_OK, PS_ENOENT, PS_EINVAL or PS_ENOMEM.
 */
int ps_conf_set_text(struct ps_conf *c, const char *dotted, const char *value,
		     struct ps_diag *d) PS_MUST_USE;
/* Whether "section.key" has been set by a file or ps_conf_set_text(). */
bool ps_conf_is_set(const struct ps_conf *c, const char *dotted);
/*
 * Write the configuration as annotated YAML: every item with its doc,
 * bounds and default as comments; `defaults_only` writes the defaults
 * instead of the current values.
 */
int ps_conf_dump(const struct ps_conf *c, FILE *out, bool defaults_only) PS_MUST_USE;
/* Free everything `c` owns; safe on a zeroed or failed-init struct. */
void ps_conf_release(struct ps_conf *c);

/* Languages of the "general.lang" setting, in the order of its choices. */
enum ps_core_lang {
	PS_CORE_LANG_ZH_CN, /* "zh-CN", the default */
	PS_CORE_LANG_EN,    /* "en" */
};

/*
 * The core module's own section, "general" (conf_core.c). Strings are owned
 * by the ps_conf that holds the struct and are never NULL.
 */
struct ps_core_settings {
	int log_level;    /* enum ps_log_level: error, warn, notice, info, debug */
	int lang;         /* enum ps_core_lang */
	char *policy_dir; /* directory of the policy YAML files, "policy" */
	char *data_dir;   /* database and generated files, default "var" */
};

extern const struct ps_conf_section ps_core_conf_section;

#endif

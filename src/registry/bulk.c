/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Bulk import: the set of parsed rows with their errors, reading files
 * and directories (decoding GBK spreadsheets on the way), and applying
 * the rows all or nothing: every row checked against the store first,
 * then upserted in one transaction in dependency order.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "core/core.h"
#include "core/csv.h"
#include "registry/bulk.h"
#include "registry/bulk_int.h"
#include "store/store.h"

/* ---- the row set ---------------------------------------------------------------- */

int ps_reg_bulk_init(struct ps_reg_bulk *b)
{
	memset(b, 0, sizeof(*b));
	ps_vec_init(&b->rows, PS_MEM_REGISTRY, sizeof(struct ps_reg_bulk_row),
		    PS_REG_BULK_ROWS_MAX);
	ps_vec_init(&b->files, PS_MEM_REGISTRY, sizeof(char *), PS_REG_BULK_FILES_MAX);
	ps_vec_init(&b->errors, PS_MEM_REGISTRY, sizeof(char *), PS_REG_BULK_ERRORS_MAX);
	ps_vec_init(&b->notes, PS_MEM_REGISTRY, sizeof(char *), PS_REG_BULK_FILES_MAX * 2);
	b->enc = PS_REG_ENC_AUTO;
	b->excel_safe = true;
	if (ps_reg_kind_count() > PS_REG_BULK_KINDS_MAX)
		return PS_EINVAL; /* raise PS_REG_BULK_KINDS_MAX with the new kind */
	return ps_hashmap_init(&b->keys, PS_MEM_REGISTRY, 64, PS_REG_BULK_ROWS_MAX, 0);
}

static void free_strings(struct ps_vec *v)
{
	for (PS_VEC_FOREACH(v, char *, s))
		ps_free(*s);
	ps_vec_release(v);
}

void ps_reg_bulk_release(struct ps_reg_bulk *b)
{
	for (PS_VEC_FOREACH(&b->rows, struct ps_reg_bulk_row, row))
		ps_reg_bulk_row_release(row);
	ps_vec_release(&b->rows);
	free_strings(&b->files);
	free_strings(&b->errors);
	free_strings(&b->notes);
	ps_hashmap_release(&b->keys);
}

const char *ps_reg_bulk_error_at(const struct ps_reg_bulk *b, size_t i)
{
	char **s = PS_VEC_AT(&b->errors, char *, i);

	return s != NULL ? *s : NULL;
}

const char *ps_reg_bulk_note_at(const struct ps_reg_bulk *b, size_t i)
{
	char **s = PS_VEC_AT(&b->notes, char *, i);

	return s != NULL ? *s : NULL;
}

static int keep(struct ps_vec *v, const char *fmt, va_list ap) PS_PRINTF(2, 0);

static int keep(struct ps_vec *v, const char *fmt, va_list ap)
{
	char msg[640], *s;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (ps_vec_len(v) >= v->max)
		return PS_ELIMIT;
	if ((s = ps_strdup(PS_MEM_REGISTRY, msg)) == NULL)
		return PS_ENOMEM;
	if (ps_vec_push(v, &s) != PS_OK) {
		ps_free(s);
		return PS_ENOMEM;
	}
	return PS_OK;
}

int ps_reg_bulk_errorf(struct ps_reg_bulk *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	b->n_errors++;
	va_start(ap, fmt);
	rc = keep(&b->errors, fmt, ap);
	va_end(ap);
	return rc == PS_ENOMEM ? PS_ENOMEM : PS_EINVAL;
}

int ps_reg_bulk_notef(struct ps_reg_bulk *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = keep(&b->notes, fmt, ap);
	va_end(ap);
	return rc == PS_ENOMEM ? PS_ENOMEM : PS_OK;
}

static void pos_fmt(const char *file, struct ps_reg_bulk_pos at, char *out, size_t n)
{
	if (at.col > 0)
		snprintf(out, n, "%s:%u:%u", file, at.line, at.col);
	else if (at.line > 0)
		snprintf(out, n, "%s:%u", file, at.line);
	else
		snprintf(out, n, "%s", file);
}

int ps_reg_bulk_error_at_pos(struct ps_reg_bulk *b, const char *file,
			     struct ps_reg_bulk_pos at, const char *fmt, ...)
{
	char where[300], msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pos_fmt(file, at, where, sizeof(where));
	return ps_reg_bulk_errorf(b, "%s: %s", where, msg);
}

const char *ps_reg_bulk_file_add(struct ps_reg_bulk *b, const char *name)
{
	char *s = ps_strdup(PS_MEM_REGISTRY, name);

	if (s == NULL || ps_vec_push(&b->files, &s) != PS_OK) {
		ps_free(s);
		return NULL;
	}
	return s;
}

int ps_reg_bulk_row_init(struct ps_reg_bulk_row *row, const struct ps_reg_kind *k,
			 const char *file, struct ps_reg_bulk_pos at, bool with_pos)
{
	memset(row, 0, sizeof(*row));
	row->file = file;
	row->at = at;
	row->rec = ps_reg_record_new(k);
	row->given = ps_calloc(PS_MEM_REGISTRY, k->n_fields + 1, 1);
	if (with_pos)
		row->pos = ps_calloc(PS_MEM_REGISTRY, k->n_fields + 1, sizeof(*row->pos));
	if (row->rec == NULL || row->given == NULL || (with_pos && row->pos == NULL)) {
		ps_reg_bulk_row_release(row);
		return PS_ENOMEM;
	}
	return PS_OK;
}

void ps_reg_bulk_row_release(struct ps_reg_bulk_row *row)
{
	ps_reg_record_free(row->rec);
	ps_free(row->given);
	ps_free(row->pos);
	memset(row, 0, sizeof(*row));
}

int ps_reg_bulk_row_set(struct ps_reg_bulk_row *row, int i, const char *p, size_t len)
{
	char **slot = i == -2 ? &row->rec->key : &row->rec->vals[i];
	char *c = NULL;

	if (len > 0 && (c = ps_strndup(PS_MEM_REGISTRY, p, len)) == NULL)
		return PS_ENOMEM;
	ps_free(*slot);
	*slot = c;
	if (i >= 0)
		row->given[i] = 1;
	return PS_OK;
}

/* "<kind>\n<key>": the hash key of a record in the import. */
static int key_of(const struct ps_reg_kind *k, const char *key, char *out, size_t n)
{
	int w = snprintf(out, n, "%s\n%s", k->name, key);

	return w > 0 && (size_t)w < n ? w : -1;
}

static struct ps_reg_bulk_pos row_key_pos(const struct ps_reg_bulk_row *row)
{
	return row->pos != NULL && row->pos[row->rec->kind->n_fields].line > 0
		       ? row->pos[row->rec->kind->n_fields]
		       : row->at;
}

static int duplicate(struct ps_reg_bulk *b, struct ps_reg_bulk_row *row, uintptr_t first)
{
	const struct ps_reg_bulk_row *f = PS_VEC_AT(&b->rows, struct ps_reg_bulk_row,
						    first - 1);
	char where[300], shown[PS_REG_BULK_SHOW_MAX + 4];

	pos_fmt(f->file, row_key_pos(f), where, sizeof(where));
	return ps_reg_bulk_error_at_pos(b, row->file, row_key_pos(row),
					"%s '%s' is given twice (first at %s)",
					row->rec->kind->name,
					ps_reg_bulk_shown(row->rec->key, strlen(row->rec->key),
							  shown, sizeof(shown)),
					where);
}

int ps_reg_bulk_row_add(struct ps_reg_bulk *b, struct ps_reg_bulk_row *row)
{
	const struct ps_reg_kind *k = row->rec->kind;
	char hk[PS_REG_BULK_SHOW_MAX * 8];
	void *first = NULL;
	int n, rc;

	if (row->rec->key == NULL) {
		rc = ps_reg_bulk_error_at_pos(b, row->file, row->at,
					      "%s has no key (column or field 'key', 编号)",
					      k->name);
		goto out;
	}
	/* overlong keys are refused by validation; here they only need to be unique */
	n = key_of(k, row->rec->key, hk, sizeof(hk));
	if (n > 0 && ps_hashmap_lookup(&b->keys, ps_slice_make(hk, (size_t)n), &first) ==
			     PS_OK) {
		rc = duplicate(b, row, (uintptr_t)first);
		goto out;
	}
	if ((rc = ps_vec_push(&b->rows, row)) != PS_OK) {
		rc = ps_reg_bulk_errorf(b, "%s: more than %d records in one import", row->file,
					PS_REG_BULK_ROWS_MAX) == PS_ENOMEM ? PS_ENOMEM : PS_ELIMIT;
		goto out;
	}
	memset(row, 0, sizeof(*row)); /* the vector owns it now */
	if (n > 0 && (rc = ps_hashmap_put(&b->keys, ps_slice_make(hk, (size_t)n),
					  (void *)(uintptr_t)ps_vec_len(&b->rows))) != PS_OK)
		return rc;
	return PS_OK;
out:
	ps_reg_bulk_row_release(row);
	return rc;
}

const char *ps_reg_bulk_shown(const char *s, size_t len, char *buf, size_t cap)
{
	return ps_text_shown(s, len, PS_REG_BULK_SHOW_MAX, buf, cap);
}

/* Field i of a kind, then "key". */
static const char *field_name_at(const void *tab, size_t i)
{
	const struct ps_reg_kind *k = tab;

	return i < k->n_fields ? k->fields[i].name : "key";
}

const char *ps_reg_bulk_hint(const struct ps_reg_kind *k, const char *word, size_t len,
			     char *buf, size_t cap)
{
	return ps_text_hint(word, len, field_name_at, k, k->n_fields + 1, buf, cap);
}

int ps_reg_bulk_field_find(const struct ps_reg_kind *k, const char *name, size_t len)
{
	char low[128];
	int i;

	if (len == 0 || len >= sizeof(low) || memchr(name, '\0', len) != NULL)
		return -1;
	memcpy(low, name, len);
	low[len] = '\0';
	if ((i = ps_reg_field_find(k, low)) != -1)
		return i;
	for (size_t j = 0; j < len; j++)
		if (low[j] >= 'A' && low[j] <= 'Z')
			low[j] = (char)(low[j] - 'A' + 'a');
	return ps_reg_field_find(k, low);
}

size_t ps_reg_kind_index(const struct ps_reg_kind *k)
{
	for (size_t i = 0; i < ps_reg_kind_count(); i++)
		if (ps_reg_kind_at(i) == k)
			return i;
	return 0;
}

int ps_reg_enc_parse(const char *s, enum ps_reg_enc *out)
{
	if (strcasecmp(s, "utf-8") == 0 || strcasecmp(s, "utf8") == 0)
		*out = PS_REG_ENC_UTF8;
	else if (strcasecmp(s, "gbk") == 0 || strcasecmp(s, "cp936") == 0)
		*out = PS_REG_ENC_GBK;
	else if (strcasecmp(s, "gb18030") == 0)
		*out = PS_REG_ENC_GB18030;
	else if (strcasecmp(s, "auto") == 0)
		*out = PS_REG_ENC_AUTO;
	else
		return PS_EINVAL;
	return PS_OK;
}

/* ---- names and files ------------------------------------------------------------ */

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s != NULL ? s + 1 : path;
}

enum ps_reg_bulk_fmt ps_reg_bulk_fmt_from_name(const char *path)
{
	const char *dot = strrchr(base_name(path), '.');

	if (dot == NULL)
		return PS_REG_BULK_AUTO;
	if (strcasecmp(dot, ".csv") == 0 || strcasecmp(dot, ".txt") == 0)
		return PS_REG_BULK_CSV;
	if (strcasecmp(dot, ".yaml") == 0 || strcasecmp(dot, ".yml") == 0)
		return PS_REG_BULK_YAML;
	return PS_REG_BULK_AUTO;
}

const struct ps_reg_kind *ps_reg_bulk_kind_from_name(const char *path)
{
	const char *base = base_name(path), *dot = strrchr(base, '.');
	size_t n = dot != NULL ? (size_t)(dot - base) : strlen(base);
	char stem[128];

	if (n == 0 || n >= sizeof(stem))
		return NULL;
	memcpy(stem, base, n);
	stem[n] = '\0';
	for (size_t i = 0; i < ps_reg_kind_count(); i++) {
		const struct ps_reg_kind *k = ps_reg_kind_at(i);

		if (strcasecmp(stem, k->name) == 0 || strcasecmp(stem, k->plural) == 0 ||
		    strcmp(stem, k->zh) == 0)
			return k;
	}
	return NULL;
}

/* 1-based line of byte `off` of p. */
static unsigned line_of(const char *p, size_t len, size_t off)
{
	unsigned line = 1;

	for (size_t i = 0; i < off && i < len; i++)
		line += p[i] == '\n';
	return line;
}

/*
 * Decode p[0..len) per b->enc into UTF-8: *q and *qlen are either p itself or
 * *buf (owned by the caller). Errors are recorded.
 */
static int decode(struct ps_reg_bulk *b, const char *name, const char *p, size_t len,
		  char **buf, const char **q, size_t *qlen)
{
	size_t bad = 0, gbad = 0;
	bool bom = len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0;
	int rc;

	*buf = NULL;
	*q = p;
	*qlen = len;
	if (b->enc == PS_REG_ENC_UTF8 || b->enc == PS_REG_ENC_AUTO) {
		if (ps_csv_utf8_valid(p, len, &bad))
			return PS_OK;
		if (b->enc == PS_REG_ENC_UTF8 || bom)
			return ps_reg_bulk_errorf(b, "%s:%u: not valid UTF-8 (try --encoding "
						  "gbk)", name, line_of(p, len, bad));
	}
	rc = ps_csv_iconv("GB18030", "UTF-8", p, len, PS_MEM_REGISTRY, buf, qlen, &gbad);
	if (rc == PS_ENOMEM) {
		(void)ps_reg_bulk_errorf(b, "%s: out of memory", name);
		return PS_ENOMEM;
	}
	if (rc != PS_OK && b->enc == PS_REG_ENC_AUTO)
		return ps_reg_bulk_errorf(b, "%s:%u: neither UTF-8 nor GBK/GB18030 (the bytes "
					  "on this line are neither)", name,
					  line_of(p, len, bad));
	if (rc != PS_OK)
		return ps_reg_bulk_errorf(b, "%s:%u: not valid GB18030", name,
					  line_of(p, len, gbad));
	*q = *buf;
	if (b->enc == PS_REG_ENC_AUTO)
		return ps_reg_bulk_notef(b, "%s: not valid UTF-8, read as GB18030 (GBK)", name);
	return PS_OK;
}

int ps_reg_bulk_parse(struct ps_reg_bulk *b, const char *name, enum ps_reg_bulk_fmt fmt,
		      const struct ps_reg_kind *k, const char *p, size_t len)
{
	char *buf = NULL;
	const char *q;
	size_t qlen;
	int rc;

	if (fmt == PS_REG_BULK_AUTO)
		fmt = ps_reg_bulk_fmt_from_name(name);
	if (fmt == PS_REG_BULK_AUTO)
		return ps_reg_bulk_errorf(b, "%s: cannot tell the format from the name (use "
					  ".csv, .yaml or .yml, or --format)", name);
	if (fmt == PS_REG_BULK_YAML && k != NULL)
		return ps_reg_bulk_errorf(b, "%s: --kind applies to CSV files (a YAML file "
					  "names its kinds)", name);
	if ((rc = decode(b, name, p, len, &buf, &q, &qlen)) != PS_OK)
		return rc;
	if (fmt == PS_REG_BULK_CSV)
		rc = ps_reg_bulk_parse_csv(b, name, k, q, qlen);
	else
		rc = ps_reg_bulk_parse_yaml(b, name, q, qlen);
	ps_free(buf);
	return rc;
}

static int read_one(struct ps_reg_bulk *b, const char *path, const char *name,
		    enum ps_reg_bulk_fmt fmt, const struct ps_reg_kind *k)
{
	struct ps_diag d = {{0}};
	char *buf = NULL;
	size_t len = 0;
	int rc = ps_file_read(path, PS_MEM_REGISTRY, PS_REG_BULK_FILE_MAX, &buf, &len, &d);

	if (rc != PS_OK) {
		(void)ps_reg_bulk_errorf(b, "%s", d.msg);
		return rc;
	}
	rc = ps_reg_bulk_parse(b, name, fmt, k, buf, len);
	ps_free(buf);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The importable file names of directory `path`, sorted; caller frees. */
static int list_dir(struct ps_reg_bulk *b, const char *path, struct ps_vec *names)
{
	DIR *dir = opendir(path);
	struct dirent *e;
	int rc = PS_OK;

	if (dir == NULL)
		return ps_reg_bulk_errorf(b, "cannot open directory '%s': %s", path,
					  strerror(errno)) == PS_ENOMEM ? PS_ENOMEM : PS_EIO;
	while (rc == PS_OK && (e = readdir(dir)) != NULL) {
		char *s;

		if (e->d_name[0] == '.' || ps_reg_bulk_fmt_from_name(e->d_name) ==
						   PS_REG_BULK_AUTO)
			continue;
		if ((s = ps_strdup(PS_MEM_REGISTRY, e->d_name)) == NULL)
			rc = PS_ENOMEM;
		else if ((rc = ps_vec_push(names, &s)) != PS_OK)
			ps_free(s);
	}
	closedir(dir);
	if (rc == PS_ELIMIT)
		return ps_reg_bulk_errorf(b, "%s: more than %d files", path,
					  PS_REG_BULK_FILES_MAX) == PS_ENOMEM ? PS_ENOMEM : PS_ELIMIT;
	if (rc != PS_OK)
		return ps_reg_bulk_errorf(b, "out of memory") == PS_ENOMEM ? PS_ENOMEM : rc;
	ps_vec_sort(names, cmp_str);
	if (ps_vec_len(names) == 0)
		return ps_reg_bulk_errorf(b, "%s: no .csv, .yaml or .yml files", path);
	return PS_OK;
}

static int read_dir(struct ps_reg_bulk *b, const char *path)
{
	struct ps_vec names = PS_VEC_INIT(PS_MEM_REGISTRY, char *, PS_REG_BULK_FILES_MAX);
	int rc = list_dir(b, path, &names), worst = PS_OK;

	for (size_t i = 0; rc == PS_OK && i < ps_vec_len(&names); i++) {
		const char *name = *PS_VEC_AT(&names, char *, i);
		char full[4096];
		int r;

		snprintf(full, sizeof(full), "%s/%s", path, name);
		r = read_one(b, full, name, PS_REG_BULK_AUTO, NULL);
		if (r == PS_ENOMEM || r == PS_ELIMIT)
			rc = r;
		else if (r != PS_OK)
			worst = r;
	}
	free_strings(&names);
	return rc != PS_OK ? rc : worst;
}

int ps_reg_bulk_read(struct ps_reg_bulk *b, const char *path, enum ps_reg_bulk_fmt fmt,
		     const struct ps_reg_kind *k)
{
	struct stat st;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		if (k != NULL || fmt != PS_REG_BULK_AUTO)
			return ps_reg_bulk_errorf(b, "%s: a directory takes the kind and format "
						  "of each file from its name", path);
		return read_dir(b, path);
	}
	return read_one(b, path, path, fmt, k);
}

/* ---- checking against the store --------------------------------------------------- */

/* The state of one row while it is checked and applied. */
struct work {
	struct ps_reg_bulk_row *row;
	struct ps_reg_record *merged; /* stored record with the file's fields on top */
	bool exists;                  /* the key is in the store */
	bool same;                    /* merged equals the stored record */
	bool placed;                  /* put in apply order (self references) */
	size_t kind;                  /* kind index */
	size_t seq;                   /* input order */
};

struct apply {
	struct ps_registry *r;
	struct ps_reg_bulk *b;
	struct work *w;
	size_t n;
	struct ps_hashmap found;      /* "<kind>\n<key>" known to be in the store */
};

/*
 * Record a registry message for a row: the "<kind> '<key>': " prefix is
 * dropped (the file position says which record) and a field named as
 * "field 'x':" gets its Chinese header and, in YAML, its own position.
 */
static int row_error(struct apply *a, const struct work *w, const char *msg)
{
	const struct ps_reg_bulk_row *row = w->row;
	const struct ps_reg_kind *k = row->rec->kind;
	struct ps_reg_bulk_pos at = row->at;
	char label[200];
	const char *m = msg, *end;
	size_t ll;

	snprintf(label, sizeof(label), "%s '%s': ", k->name, row->rec->key);
	ll = strlen(label);
	if (strncmp(m, label, ll) == 0)
		m += ll;
	if (strncmp(m, "key ", 4) == 0 || strncmp(m, "empty key", 9) == 0)
		at = row_key_pos(row);
	if (strncmp(m, "field '", 7) == 0 && (end = strchr(m + 7, '\'')) != NULL) {
		char name[64];
		int i;

		snprintf(name, sizeof(name), "%.*s", (int)(end - m - 7), m + 7);
		i = ps_reg_field_find(k, name);
		if (i >= 0) {
			if (row->pos != NULL && row->pos[i].line > 0)
				at = row->pos[i];
			if (strncmp(end + 1, " (", 2) != 0)
				return ps_reg_bulk_error_at_pos(a->b, row->file, at,
								"field '%s' (%s)%s", name,
								k->fields[i].zh, end + 1);
		}
	}
	return ps_reg_bulk_error_at_pos(a->b, row->file, at, "%s", m);
}

/* Whether record `key` of kind t is in the import or the store. */
static int ref_exists(struct apply *a, const struct ps_reg_kind *t, const char *key,
		      bool *yes)
{
	struct ps_reg_record *rec = NULL;
	char hk[400];
	int n = key_of(t, key, hk, sizeof(hk)), rc;
	struct ps_slice s;

	*yes = false;
	if (n < 0)
		return PS_OK; /* too long to be a key */
	s = ps_slice_make(hk, (size_t)n);
	if (ps_hashmap_get(&a->b->keys, s) != NULL || ps_hashmap_get(&a->found, s) != NULL) {
		*yes = true;
		return PS_OK;
	}
	rc = ps_reg_get(a->r, t, key, &rec);
	ps_reg_record_free(rec);
	if (rc == PS_ENOENT)
		return PS_OK;
	if (rc != PS_OK)
		return rc;
	*yes = true;
	return ps_hashmap_put(&a->found, s, (void *)1);
}

static int check_refs(struct apply *a, struct work *w)
{
	const struct ps_reg_record *m = w->merged;
	const struct ps_reg_kind *k = m->kind;
	char msg[400], shown[PS_REG_BULK_SHOW_MAX + 4];
	int rc;

	for (size_t i = 0; i < k->n_fields; i++) {
		const struct ps_reg_kind *t;
		bool yes;

		if (k->fields[i].type != PS_REG_REF || m->vals[i] == NULL)
			continue;
		if ((t = ps_reg_kind_find(k->fields[i].arg)) == NULL)
			continue;
		if ((rc = ref_exists(a, t, m->vals[i], &yes)) != PS_OK)
			return rc;
		if (yes)
			continue;
		snprintf(msg, sizeof(msg), "field '%s': no %s '%s' in the registry or in "
			 "this import", k->fields[i].name, t->name,
			 ps_reg_bulk_shown(m->vals[i], strlen(m->vals[i]), shown,
					   sizeof(shown)));
		if ((rc = row_error(a, w, msg)) == PS_ENOMEM)
			return rc;
	}
	return PS_OK;
}

static bool same_text(const char *x, const char *y)
{
	if (x == NULL || y == NULL)
		return (x == NULL || x[0] == '\0') && (y == NULL || y[0] == '\0');
	return strcmp(x, y) == 0;
}

static bool same_record(const struct ps_reg_record *x, const struct ps_reg_record *y)
{
	for (size_t i = 0; i < x->kind->n_fields; i++)
		if (!same_text(x->vals[i], y->vals[i]))
			return false;
	return same_text(x->key, y->key);
}

/* Merge row w onto its stored record, validate and check its references. */
static int check_row(struct apply *a, struct work *w)
{
	const struct ps_reg_bulk_row *row = w->row;
	const struct ps_reg_kind *k = row->rec->kind;
	struct ps_reg_record *stored = NULL;
	struct ps_diag d = {{0}};
	int rc = ps_reg_get(a->r, k, row->rec->key, &stored);

	if (rc != PS_OK && rc != PS_ENOENT)
		return rc;
	w->exists = rc == PS_OK;
	w->merged = w->exists ? ps_reg_record_dup(stored) : ps_reg_record_new(k);
	rc = PS_ENOMEM;
	if (w->merged == NULL || ps_reg_record_set(w->merged, "key", row->rec->key) != PS_OK)
		goto out;
	for (size_t i = 0; i < k->n_fields; i++) {
		if (!row->given[i])
			continue;
		ps_free(w->merged->vals[i]);
		w->merged->vals[i] = NULL;
		if (row->rec->vals[i] != NULL &&
		    (w->merged->vals[i] = ps_strdup(PS_MEM_REGISTRY, row->rec->vals[i])) == NULL)
			goto out;
	}
	rc = ps_reg_validate(a->r, w->merged, &d);
	if (rc == PS_EINVAL) {
		rc = row_error(a, w, d.msg);
		rc = rc == PS_ENOMEM ? rc : PS_OK;
		goto out;
	}
	if (rc != PS_OK || (rc = check_refs(a, w)) != PS_OK)
		goto out;
	w->same = w->exists && same_record(stored, w->merged);
out:
	ps_reg_record_free(stored);
	return rc;
}

static int cmp_work(const void *x, const void *y)
{
	const struct work *a = x, *b = y;

	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* ---- ordering inside a kind ------------------------------------------------------- */

/* Whether row w waits for another new row of its own kind that is not placed yet. */
static bool waits(struct apply *a, const struct work *w, size_t lo, size_t hi)
{
	const struct ps_reg_record *m = w->merged;
	const struct ps_reg_kind *k = m->kind;

	for (size_t i = 0; i < k->n_fields; i++) {
		if (k->fields[i].type != PS_REG_REF || m->vals[i] == NULL ||
		    strcmp(k->fields[i].arg, k->name) != 0)
			continue;
		if (!w->exists && strcmp(m->key, m->vals[i]) == 0)
			return true; /* new and its own parent: never placed */
		for (size_t j = lo; j < hi; j++) {
			const struct work *t = &a->w[j];

			if (t != w && !t->placed && !t->exists &&
			    strcmp(t->merged->key, m->vals[i]) == 0)
				return true;
		}
	}
	return false;
}

/*
 * Order a[lo..hi) (one kind) so that new records referred to by records
 * of the same kind come first, in passes; what cannot be placed is a
 * cycle. Only kinds with a field referring to themselves need it.
 */
static int order_kind(struct apply *a, size_t lo, size_t hi)
{
	struct work *tmp;
	size_t n = 0, placed_before;

	tmp = ps_calloc(PS_MEM_REGISTRY, hi - lo, sizeof(*tmp));
	if (tmp == NULL)
		return PS_ENOMEM;
	do {
		placed_before = n;
		for (size_t j = lo; j < hi; j++) {
			if (a->w[j].placed || waits(a, &a->w[j], lo, hi))
				continue;
			a->w[j].placed = true;
			tmp[n++] = a->w[j];
		}
	} while (n > placed_before && n < hi - lo);
	for (size_t j = lo; j < hi && n < hi - lo; j++) {
		if (a->w[j].placed)
			continue;
		if (row_error(a, &a->w[j], "refers to itself, or waits for a record of this "
				  "import that does (a cycle)") == PS_ENOMEM) {
			ps_free(tmp);
			return PS_ENOMEM;
		}
	}
	if (n == hi - lo)
		memcpy(&a->w[lo], tmp, (hi - lo) * sizeof(*tmp));
	ps_free(tmp);
	return PS_OK;
}

static bool self_ref(const struct ps_reg_kind *k)
{
	for (size_t i = 0; i < k->n_fields; i++)
		if (k->fields[i].type == PS_REG_REF && strcmp(k->fields[i].arg, k->name) == 0)
			return true;
	return false;
}

/* Check every row (in kind order), then order each self-referring kind. */
static int check_all(struct apply *a)
{
	int rc;

	for (size_t i = 0; i < a->n; i++)
		if ((rc = check_row(a, &a->w[i])) != PS_OK)
			return rc;
	if (a->b->n_errors > 0)
		return PS_OK;
	for (size_t lo = 0, hi; lo < a->n; lo = hi) {
		for (hi = lo; hi < a->n && a->w[hi].kind == a->w[lo].kind; hi++)
			;
		if (self_ref(a->w[lo].row->rec->kind) && (rc = order_kind(a, lo, hi)) != PS_OK)
			return rc;
	}
	return PS_OK;
}

/* ---- applying -------------------------------------------------------------------- */

static void count(struct ps_reg_bulk_report *rep, size_t kind, int what)
{
	struct ps_reg_bulk_count *c[2] = {&rep->kind[kind], &rep->total};

	for (int i = 0; i < 2; i++) {
		if (what == 0)
			c[i]->inserted++;
		else if (what == 1)
			c[i]->updated++;
		else
			c[i]->unchanged++;
	}
}

static int write_all(struct apply *a, bool dry_run, struct ps_reg_bulk_report *rep)
{
	struct ps_diag d = {{0}};
	int rc;

	for (size_t i = 0; i < a->n; i++) {
		struct work *w = &a->w[i];
		bool inserted = !w->exists;

		if (w->same) {
			count(rep, w->kind, 2);
			continue;
		}
		if (!dry_run && (rc = ps_reg_upsert(a->r, w->merged, &inserted, &d)) != PS_OK) {
			(void)row_error(a, w, d.msg[0] ? d.msg : ps_strerror(rc));
			return rc;
		}
		count(rep, w->kind, inserted ? 0 : 1);
	}
	return PS_OK;
}

static int setup(struct apply *a, struct ps_registry *r, struct ps_reg_bulk *b)
{
	memset(a, 0, sizeof(*a));
	a->r = r;
	a->b = b;
	a->n = ps_vec_len(&b->rows);
	if (ps_hashmap_init(&a->found, PS_MEM_REGISTRY, 64, SIZE_MAX, 0) != PS_OK)
		return PS_EINVAL;
	a->w = ps_calloc(PS_MEM_REGISTRY, a->n ? a->n : 1, sizeof(*a->w));
	if (a->w == NULL)
		return PS_ENOMEM;
	for (size_t i = 0; i < a->n; i++) {
		a->w[i].row = PS_VEC_AT(&b->rows, struct ps_reg_bulk_row, i);
		a->w[i].kind = ps_reg_kind_index(a->w[i].row->rec->kind);
		a->w[i].seq = i;
	}
	qsort(a->w, a->n, sizeof(*a->w), cmp_work);
	return PS_OK;
}

static void teardown(struct apply *a)
{
	for (size_t i = 0; a->w != NULL && i < a->n; i++)
		ps_reg_record_free(a->w[i].merged);
	ps_free(a->w);
	ps_hashmap_release(&a->found);
}

int ps_reg_bulk_apply(struct ps_registry *r, struct ps_reg_bulk *b, bool dry_run,
		      struct ps_reg_bulk_report *rep)
{
	struct apply a;
	int rc, rb;

	memset(rep, 0, sizeof(*rep));
	rep->dry_run = dry_run;
	if ((rc = setup(&a, r, b)) != PS_OK) {
		teardown(&a);
		return ps_reg_bulk_errorf(b, "out of memory") == PS_ENOMEM ? PS_ENOMEM : rc;
	}
	if ((rc = ps_store_begin(r->st)) != PS_OK) {
		(void)ps_reg_bulk_errorf(b, "cannot start a transaction: %s",
					 ps_store_errmsg(r->st));
		goto out;
	}
	rc = check_all(&a);
	if (rc == PS_OK && b->n_errors > 0)
		rc = PS_EINVAL;
	if (rc == PS_OK)
		rc = write_all(&a, dry_run, rep);
	if (rc == PS_OK && !dry_run) {
		if ((rc = ps_store_commit(r->st)) != PS_OK)
			(void)ps_reg_bulk_errorf(b, "cannot commit the import: %s",
						 ps_store_errmsg(r->st));
		goto out;
	}
	if (rc != PS_OK && rc != PS_EINVAL && b->n_errors == 0)
		(void)ps_reg_bulk_errorf(b, "import failed: %s (%s)", ps_strerror(rc),
					 ps_store_errmsg(r->st));
	if ((rb = ps_store_rollback(r->st)) != PS_OK && rc == PS_OK)
		rc = rb;
out:
	if (rc != PS_OK) {
		memset(rep, 0, sizeof(*rep));
		rep->dry_run = dry_run;
	}
	teardown(&a);
	return rc;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The MISP importer: a feed directory (manifest.json and one <uuid>.json
 * event file per manifest entry, as MISP writes feeds; hashes.csv is not
 * needed), a directory of event files without a manifest, or one event
 * document. Attributes of the event and of its objects that are meant
 * for detection become indicators; the rest is counted by reason.
 *
 * Mapping (docs/INTEL.md has the table):
 *   attribute type    ip-src, ip-dst (also CIDR), ip-src|port, ip-dst|port,
 *                     domain, hostname, hostname|port, domain|ip (both),
 *                     url, md5, sha1, sha256, filename|md5, filename|sha1,
 *                     filename|sha256, malware-sample, ja3-fingerprint-md5
 *   to_ids false      skipped (context, not for detection)
 *   distribution      0 (your organisation only) or 4 (a sharing group)
 *                     on the attribute, its object or its event: not
 *                     shareable (MISP caps an attribute by its event);
 *                     5 inherits
 *   tlp:* tags        TLP (attribute tags before event tags; the most
 *                     restrictive of one level)
 *   misp-galaxy tags of malware galaxies (malpedia, mitre-malware,
 *                     ransomware, ...) and Galaxy clusters: family
 *   other tags        tags (',' written as ';'; what exceeds the tag
 *                     budget is dropped)
 *   threat_level_id   severity: 1 high -> 4, 2 medium -> 3, 3 low -> 2,
 *                     4 undefined -> the default
 *   first_seen / last_seen / timestamp, event date / timestamp: the times
 * A bad attribute is counted with "<event file>:<attribute uuid>" as its
 * location.
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <jansson.h>

#include "core/core.h"
#include "intel/intel.h"
#include "intel/intel_int.h"

#define MANIFEST_MAX ((size_t)64 << 20)
#define EVENT_MAX ((size_t)256 << 20)
#define FILES_MAX 1000000
#define EVENT_TAGS_BUDGET 600  /* bytes of event tags, the rest left for attribute tags */

/* How a MISP attribute type becomes indicators. */
enum split {
	WHOLE,     /* the value */
	RIGHT,     /* "filename|hash": the part after '|' */
	BOTH,      /* "domain|ip": both parts */
	IP_PORT,   /* "ip|port": the address, port as a tag */
	HOST_PORT, /* "hostname|port": the name, port as a tag */
};

static const struct {
	const char *type;
	enum ps_ioc_type hint;
	enum split split;
} attr_types[] = {
	{"ip-src", PS_IOC_IPV4, WHOLE}, {"ip-dst", PS_IOC_IPV4, WHOLE},
	{"ip-src|port", PS_IOC_IPV4, IP_PORT}, {"ip-dst|port", PS_IOC_IPV4, IP_PORT},
	{"domain", PS_IOC_DOMAIN, WHOLE}, {"hostname", PS_IOC_DOMAIN, WHOLE},
	{"hostname|port", PS_IOC_DOMAIN, HOST_PORT}, {"domain|ip", PS_IOC_DOMAIN, BOTH},
	{"url", PS_IOC_URL, WHOLE},
	{"md5", PS_IOC_MD5, WHOLE}, {"sha1", PS_IOC_SHA1, WHOLE}, {"sha256", PS_IOC_SHA256, WHOLE},
	{"filename|md5", PS_IOC_MD5, RIGHT}, {"filename|sha1", PS_IOC_SHA1, RIGHT},
	{"filename|sha256", PS_IOC_SHA256, RIGHT}, {"malware-sample", PS_IOC_MD5, RIGHT},
	{"ja3-fingerprint-md5", PS_IOC_JA3, WHOLE},
};

/* Galaxies whose clusters name malware families. */
static const char *const malware_galaxies[] = {
	"malpedia", "mitre-malware", "ransomware", "android", "banker", "botnet", "rat",
	"backdoor", "stealer", "malware",
};

/* What an event gives every attribute, and the state of one attribute. */
struct misp_ev {
	const char *file;
	int distribution;            /* the event's, 0..4 */
	int severity;                /* 0: default */
	int tlp;                     /* from event tags, -1: none */
	char family[PS_INTEL_FAMILY_MAX + 1];
	char tags[PS_INTEL_TAGS_MAX + 1];
	size_t tags_len;             /* the event's tags: tags[0..tags_len) */
	int64_t date, timestamp;
	long ordinal;
	char where[160];
	/* the attribute being read */
	char atags[PS_INTEL_TAGS_MAX + 1];
	char afamily[PS_INTEL_FAMILY_MAX + 1];
	char buf[PS_IOC_INPUT_MAX + 16];
};

/* ---- small readers ------------------------------------------------------------------ */

static const char *str_of(const json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

/* An integer given as a number or a string of digits (MISP writes both). */
static bool num_of(const json_t *v, long long *out)
{
	const char *s;
	char *end;

	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return true;
	}
	if ((s = json_string_value(v)) == NULL || *s < '0' || *s > '9')
		return false;
	errno = 0;
	*out = strtoll(s, &end, 10);
	return errno == 0 && *end == '\0';
}

/* to_ids: true, false, 1, 0, "1", "0"; absent counts as true. */
static bool for_ids(const json_t *a)
{
	const json_t *v = json_object_get(a, "to_ids");
	long long n;

	if (v == NULL || json_is_true(v))
		return true;
	if (json_is_false(v))
		return false;
	return !num_of(v, &n) || n != 0;
}

/* A time: ISO 8601, or seconds since the epoch; 0 when absent or unreadable. */
static int64_t time_of(const json_t *v)
{
	const char *s = json_string_value(v);
	long long secs;
	int64_t us;

	if (s != NULL && strchr(s, '-') != NULL)
		return ps_time_parse_iso8601(s, strlen(s), PS_TZ_UTC, &us) == PS_OK ? us : 0;
	if (num_of(v, &secs) && secs > 0 && secs < INT64_C(253402300800))
		return (int64_t)secs * PS_USEC_PER_SEC;
	return 0;
}

/* Append s[0..n) to the tag list tags (len bytes) within `limit`, ',' as ';'. */
static void tag_add(char *tags, size_t *len, size_t limit, const char *s, size_t n)
{
	ps_intel_trim(&s, &n);
	if (n == 0 || *len + (*len > 0) + n > limit)
		return; /* beyond the budget: dropped (docs/INTEL.md) */
	if (*len > 0)
		tags[(*len)++] = ',';
	for (size_t i = 0; i < n; i++)
		tags[(*len)++] = s[i] == ',' ? ';' : s[i];
	tags[*len] = '\0';
}

/* A family name of n bytes into out, without the ATT&CK id of mitre-malware ("Emotet - S0367"). */
static bool family_name(const char *v, size_t n, char *out, size_t cap)
{
	for (const char *d = v; d + 4 < v + n; d++)
		if (memcmp(d, " - S", 4) == 0) {
			n = (size_t)(d - v);
			break;
		}
	if (n == 0 || n >= cap)
		return false;
	memcpy(out, v, n);
	out[n] = '\0';
	return true;
}

static bool malware_galaxy(const char *g, size_t n)
{
	for (size_t i = 0; i < PS_ARRAY_LEN(malware_galaxies); i++)
		if (strlen(malware_galaxies[i]) == n && strncmp(g, malware_galaxies[i], n) == 0)
			return true;
	return false;
}

/* The family a "misp-galaxy:<galaxy>=\"<value>\"" tag of a malware galaxy names. */
static bool galaxy_family(const char *tag, char *out, size_t cap)
{
	const char *g = tag + 12, *eq = strchr(g, '='), *end;

	if (eq == NULL || eq[1] != '"' || (end = strrchr(eq + 2, '"')) == NULL ||
	    !malware_galaxy(g, (size_t)(eq - g)))
		return false;
	return family_name(eq + 2, (size_t)(end - (eq + 2)), out, cap);
}

/*
 * Read a Tag array: TLP into *tlp (most restrictive), a malware galaxy
 * into family (first), the rest into tags within limit.
 */
static void read_tags(const json_t *arr, int *tlp, char *family, char *tags, size_t *len,
		      size_t limit)
{
	char fam[PS_INTEL_FAMILY_MAX + 1];
	const json_t *t;
	enum ps_tlp level;
	size_t i;

	json_array_foreach(arr, i, t) {
		const char *name = str_of(t, "name");

		if (name == NULL)
			continue;
		if (strncasecmp(name, "tlp:", 4) == 0) {
			if (ps_tlp_parse(name, &level) == PS_OK && (int)level > *tlp)
				*tlp = (int)level;
			continue;
		}
		if (strncmp(name, "misp-galaxy:", 12) == 0 && family[0] == '\0' &&
		    galaxy_family(name, fam, sizeof(fam))) {
			memcpy(family, fam, strlen(fam) + 1);
			continue;
		}
		/* other tags, and further malware galaxies, stay tags */
		tag_add(tags, len, limit, name, strlen(name));
	}
}

/* A malware galaxy's first cluster: "Galaxy": [{"type": ..., "GalaxyCluster": [{"value"}]}]. */
static void read_galaxies(const json_t *arr, char *family)
{
	const json_t *g;
	size_t i;

	json_array_foreach(arr, i, g) {
		const char *type = str_of(g, "type");
		const char *v = str_of(json_array_get(json_object_get(g, "GalaxyCluster"), 0),
				       "value");

		if (family[0] == '\0' && type != NULL && v != NULL &&
		    malware_galaxy(type, strlen(type)))
			(void)family_name(v, strlen(v), family, PS_INTEL_FAMILY_MAX + 1);
	}
}

/* ---- attributes ------------------------------------------------------------------- */

static int type_index(const char *type)
{
	for (size_t i = 0; i < PS_ARRAY_LEN(attr_types); i++)
		if (strcmp(type, attr_types[i].type) == 0)
			return (int)i;
	return -1;
}

/*
 * Whether attribute a may leave this organisation: MISP caps an
 * attribute's distribution by its object's and its event's, so any level
 * at 0 (your organisation only) or 4 (a sharing group) keeps it in; 5
 * means inherit.
 */
static bool restricted(const json_t *a, int object_dist, const struct misp_ev *ev)
{
	long long d;

	if (num_of(json_object_get(a, "distribution"), &d) && (d == 0 || d == 4))
		return true;
	return object_dist == 0 || object_dist == 4 || ev->distribution == 0 ||
	       ev->distribution == 4;
}

/* The extras of attribute a: tags, TLP, family, times, sharing. */
static void attr_extra(struct misp_ev *ev, const json_t *a, int object_dist,
		       const struct ps_intel_parse *p, struct ps_intel_extra *x)
{
	size_t len = ev->tags_len, opt = p->o->tags ? strlen(p->o->tags) + 1 : 0;
	size_t limit = opt + 12 < PS_INTEL_TAGS_MAX ? PS_INTEL_TAGS_MAX - 12 - opt : 0;
	int tlp = -1;

	ps_intel_extra_init(x);
	memcpy(ev->atags, ev->tags, ev->tags_len + 1);
	ev->afamily[0] = '\0';
	read_tags(json_object_get(a, "Tag"), &tlp, ev->afamily, ev->atags, &len, limit);
	read_galaxies(json_object_get(a, "Galaxy"), ev->afamily);
	x->tags = ev->atags;
	x->tags_len = len;
	x->tlp = tlp >= 0 ? tlp : ev->tlp;
	x->family = ev->afamily[0] ? ev->afamily : ev->family[0] ? ev->family : NULL;
	x->family_len = x->family ? strlen(x->family) : 0;
	x->severity = ev->severity;
	x->first_seen = time_of(json_object_get(a, "first_seen"));
	if (x->first_seen == 0)
		x->first_seen = ev->date;
	x->last_seen = time_of(json_object_get(a, "last_seen"));
	if (x->last_seen == 0)
		x->last_seen = time_of(json_object_get(a, "timestamp"));
	if (x->last_seen == 0)
		x->last_seen = ev->timestamp;
	/* your organisation only, or a sharing group: not ours to pass on */
	if (restricted(a, object_dist, ev))
		x->shareable = 0;
}

/* Emit "ip|port" as "ip:port" (IPv6 in brackets) so the port becomes a tag. */
static int emit_ip_port(struct ps_intel_parse *p, struct misp_ev *ev, const char *v,
			const char *bar, struct ps_intel_extra *x)
{
	size_t host = (size_t)(bar - v);
	bool v6 = memchr(v, ':', host) != NULL;
	int n = snprintf(ev->buf, sizeof(ev->buf), "%s%.*s%s:%s", v6 ? "[" : "", (int)host, v,
			 v6 ? "]" : "", bar + 1);

	if (n < 0 || (size_t)n >= sizeof(ev->buf)) {
		ps_intel_bad(p, PS_MSG_INTEL_BAD_FIELD, "value", v);
		return PS_OK;
	}
	return ps_intel_emit(p, PS_IOC_IPV4, ev->buf, (size_t)n, x);
}

/* "hostname|port": the name, and "port:N" among the tags. */
static int emit_host_port(struct ps_intel_parse *p, struct misp_ev *ev, const char *v,
			  const char *bar, struct ps_intel_extra *x)
{
	size_t len = x->tags_len;
	char tag[16];
	long long port;
	char *end;

	errno = 0;
	port = strtoll(bar + 1, &end, 10);
	if (errno != 0 || end == bar + 1 || *end != '\0' || port < 1 || port > 65535) {
		ps_intel_bad(p, PS_MSG_INTEL_BAD_FIELD, "port", bar + 1);
		return PS_OK;
	}
	snprintf(tag, sizeof(tag), "port:%lld", port);
	tag_add(ev->atags, &len, PS_INTEL_TAGS_MAX, tag, strlen(tag));
	x->tags_len = len;
	return ps_intel_emit(p, PS_IOC_DOMAIN, v, (size_t)(bar - v), x);
}

static int attr_emit(struct ps_intel_parse *p, struct misp_ev *ev, int k, const char *v,
		     struct ps_intel_extra *x)
{
	const char *bar = strrchr(v, '|');
	enum ps_ioc_type hint = attr_types[k].hint;
	int rc;

	if (attr_types[k].split == WHOLE)
		return ps_intel_emit(p, hint, v, strlen(v), x);
	if (bar == NULL || strchr(v, '|') != bar) {
		ps_intel_bad(p, PS_MSG_INTEL_BAD_FIELD, "value", v);
		return PS_OK;
	}
	switch (attr_types[k].split) {
	case RIGHT:
		return ps_intel_emit(p, hint, bar + 1, strlen(bar + 1), x);
	case BOTH:
		rc = ps_intel_emit(p, PS_IOC_DOMAIN, v, (size_t)(bar - v), x);
		return rc == PS_OK ? ps_intel_emit(p, PS_IOC_IPV4, bar + 1, strlen(bar + 1), x)
				   : rc;
	case IP_PORT:
		return emit_ip_port(p, ev, v, bar, x);
	default:
		return emit_host_port(p, ev, v, bar, x);
	}
}

static int attribute(struct ps_intel_parse *p, struct misp_ev *ev, const json_t *a,
		     int object_dist)
{
	const char *uuid = str_of(a, "uuid"), *type = str_of(a, "type");
	const char *v = str_of(a, "value");
	struct ps_intel_extra x;
	int k;

	p->line = ++ev->ordinal;
	p->r->lines++;
	if (uuid != NULL)
		snprintf(ev->where, sizeof(ev->where), "%s:%s", ev->file, uuid);
	else
		snprintf(ev->where, sizeof(ev->where), "%s:attribute %ld", ev->file, ev->ordinal);
	p->where = ev->where;
	if (json_is_true(json_object_get(a, "deleted"))) {
		ps_intel_skip(p, PS_MSG_MISP_SKIP_DELETED);
		return PS_OK;
	}
	if (type == NULL || v == NULL) {
		ps_intel_bad(p, PS_MSG_INTEL_BAD_PROP, type == NULL ? "type" : "value");
		return PS_OK;
	}
	if ((k = type_index(type)) < 0) {
		ps_intel_skip(p, PS_MSG_MISP_SKIP_TYPE);
		return PS_OK;
	}
	if (!for_ids(a)) {
		ps_intel_skip(p, PS_MSG_MISP_SKIP_IDS);
		return PS_OK;
	}
	attr_extra(ev, a, object_dist, p, &x);
	return attr_emit(p, ev, k, v, &x);
}

/* ---- events ------------------------------------------------------------------------ */

static void event_context(struct misp_ev *ev, const json_t *e)
{
	static const int severity[] = {0, 4, 3, 2, 0}; /* by threat_level_id */
	long long n;
	size_t limit = EVENT_TAGS_BUDGET;
	const char *date = str_of(e, "date");
	int64_t us;

	ev->distribution = num_of(json_object_get(e, "distribution"), &n) && n >= 0 && n <= 4
				   ? (int)n : 1;
	ev->severity = num_of(json_object_get(e, "threat_level_id"), &n) && n >= 1 && n <= 4
			       ? severity[n] : 0;
	ev->tlp = -1;
	ev->family[0] = ev->tags[0] = '\0';
	ev->tags_len = 0;
	read_tags(json_object_get(e, "Tag"), &ev->tlp, ev->family, ev->tags, &ev->tags_len,
		  limit);
	read_galaxies(json_object_get(e, "Galaxy"), ev->family);
	ev->date = date != NULL && ps_time_parse_iso8601(date, strlen(date), PS_TZ_UTC, &us) == PS_OK
			   ? us : 0;
	ev->timestamp = time_of(json_object_get(e, "timestamp"));
}

static int event(struct ps_intel_parse *p, struct misp_ev *ev, const json_t *e)
{
	const json_t *a, *o;
	size_t i, j;
	long long d;
	int rc = PS_OK;

	event_context(ev, e);
	json_array_foreach(json_object_get(e, "Attribute"), i, a) {
		if ((rc = attribute(p, ev, a, -1)) != PS_OK)
			return rc;
	}
	json_array_foreach(json_object_get(e, "Object"), i, o) {
		int od = num_of(json_object_get(o, "distribution"), &d) && d >= 0 && d <= 4
				 ? (int)d : -1;

		if (json_is_true(json_object_get(o, "deleted")))
			continue;
		json_array_foreach(json_object_get(o, "Attribute"), j, a) {
			if ((rc = attribute(p, ev, a, od)) != PS_OK)
				return rc;
		}
	}
	return rc;
}

int ps_intel_misp_event(struct ps_intel_parse *p, struct json_t *root, const char *file)
{
	const json_t *resp = json_object_get(root, "response"), *e = json_object_get(root, "Event");
	struct misp_ev *ev;
	size_t i;
	const json_t *item;
	int rc = PS_OK;

	if (!json_is_object(e) && !json_is_array(resp)) {
		ps_tr_fmt(p->diag.msg, sizeof(p->diag.msg), PS_MSG_MISP_NO_EVENT, file);
		return PS_EINVAL;
	}
	if ((ev = ps_calloc(PS_MEM_INTEL, 1, sizeof(*ev))) == NULL)
		return PS_ENOMEM;
	ev->file = file;
	if (json_is_object(e))
		rc = event(p, ev, e);
	json_array_foreach(resp, i, item) {
		if (rc == PS_OK && json_is_object(json_object_get(item, "Event")))
			rc = event(p, ev, json_object_get(item, "Event"));
	}
	p->where = NULL;
	ps_free(ev);
	return rc;
}

/* ---- documents and feed directories ------------------------------------------------- */

static int misp_document(struct ps_intel_parse *p, const char *data, size_t len)
{
	const char *base = strrchr(p->name, '/');
	json_error_t je;
	json_t *root = json_loadb(data, len, 0, &je);
	int rc;

	if (root == NULL) {
		ps_tr_fmt(p->diag.msg, sizeof(p->diag.msg), PS_MSG_INTEL_JSON, p->name, je.line,
			  je.column, je.text);
		return PS_EINVAL;
	}
	rc = ps_intel_misp_event(p, root, base != NULL ? base + 1 : p->name);
	json_decref(root);
	return rc;
}

/* One event file of a feed: a file that cannot be read is a bad record. */
static int event_file(struct ps_intel_parse *p, const char *dir, const char *file)
{
	struct ps_diag d;
	char path[4096], *data = NULL;
	size_t len;
	json_error_t je;
	json_t *root = NULL;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	p->where = file;
	p->line = 0;
	rc = ps_file_read(path, PS_MEM_INTEL, EVENT_MAX, &data, &len, &d);
	if (rc == PS_OK && (root = json_loadb(data, len, 0, &je)) == NULL)
		ps_tr_fmt(d.msg, sizeof(d.msg), PS_MSG_INTEL_JSON, file, je.line, je.column,
			  je.text);
	if (rc == PS_OK && root != NULL)
		rc = ps_intel_misp_event(p, root, file);
	else if (rc != PS_ENOMEM)
		rc = PS_EINVAL;
	if (rc == PS_EINVAL) {
		p->where = file;
		ps_intel_bad(p, PS_MSG_MISP_EVENT_FILE, root != NULL ? p->diag.msg : d.msg);
		p->diag.msg[0] = '\0';
		rc = PS_OK;
	}
	json_decref(root);
	ps_free(data);
	p->where = NULL;
	return rc;
}

static bool is_uuid(const char *s)
{
	if (strlen(s) != 36)
		return false;
	for (int i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		char c = s[i];

		if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
					(c >= 'A' && c <= 'F')))
			return false;
	}
	return true;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* No manifest: every *.json file of the directory, by name. */
static int scan_directory(struct ps_intel_parse *p, const char *dir)
{
	struct ps_vec names = PS_VEC_INIT(PS_MEM_INTEL, char *, FILES_MAX);
	DIR *dh = opendir(dir);
	struct dirent *de;
	size_t n;
	int rc = dh != NULL ? PS_OK : PS_EIO;

	while (rc == PS_OK && (de = readdir(dh)) != NULL) {
		char *name;

		n = strlen(de->d_name);
		if (n <= 5 || strcmp(de->d_name + n - 5, ".json") != 0 ||
		    strcmp(de->d_name, "manifest.json") == 0)
			continue;
		if ((name = ps_strdup(PS_MEM_INTEL, de->d_name)) == NULL ||
		    (rc = ps_vec_push(&names, &name)) != PS_OK) {
			ps_free(name);
			rc = PS_ENOMEM;
		}
	}
	if (dh != NULL)
		closedir(dh);
	if (rc == PS_OK && ps_vec_len(&names) == 0) {
		ps_tr_fmt(p->diag.msg, sizeof(p->diag.msg), PS_MSG_MISP_NO_EVENTS, dir);
		rc = PS_EINVAL;
	}
	ps_vec_sort(&names, by_name);
	for (PS_VEC_FOREACH(&names, char *, it)) {
		if (rc == PS_OK)
			rc = event_file(p, dir, *it);
		ps_free(*it);
	}
	ps_vec_release(&names);
	return rc;
}

static int misp_directory(struct ps_intel_parse *p, const char *dir)
{
	char path[4096], *data = NULL, file[48];
	struct ps_diag d;
	json_error_t je;
	json_t *manifest;
	const char *key;
	json_t *v;
	size_t len;
	int rc;

	snprintf(path, sizeof(path), "%s/manifest.json", dir);
	rc = ps_file_read(path, PS_MEM_INTEL, MANIFEST_MAX, &data, &len, &d);
	if (rc == PS_ENOENT)
		return scan_directory(p, dir);
	if (rc != PS_OK) {
		snprintf(p->diag.msg, sizeof(p->diag.msg), "%s", d.msg);
		return rc == PS_ENOMEM ? rc : PS_EINVAL;
	}
	manifest = json_loadb(data, len, 0, &je);
	ps_free(data);
	if (!json_is_object(manifest)) {
		ps_tr_fmt(p->diag.msg, sizeof(p->diag.msg), PS_MSG_INTEL_JSON, path, je.line,
			  je.column, manifest ? "not an object" : je.text);
		json_decref(manifest);
		return PS_EINVAL;
	}
	json_object_foreach(manifest, key, v) {
		if (!is_uuid(key)) {
			p->where = "manifest.json";
			ps_intel_bad(p, PS_MSG_MISP_BAD_UUID, key);
			p->where = NULL;
			continue;
		}
		snprintf(file, sizeof(file), "%s.json", key);
		if ((rc = event_file(p, dir, file)) != PS_OK)
			break;
	}
	json_decref(manifest);
	return rc;
}

const struct ps_intel_format_ops ps_intel_fmt_misp = {
	.format = PS_INTEL_FMT_MISP,
	.document = misp_document,
	.directory = misp_directory,
};

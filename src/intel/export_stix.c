/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The STIX 2.1 exporter: one bundle with the producer's identity, the TLP
 * 2.0 marking definitions in use, one indicator per stored indicator and,
 * for a malware family, a malware object and an "indicates" relationship.
 * Everything STIX has no property for travels in x_panshi_* custom
 * properties, so that import_stix.c reads back exactly what was written.
 *
 * Deterministic output: ids are UUIDv5 (export.c) of the object's content
 * key (indicator: type, value and source), timestamps come from the
 * indicators (created = valid_from = first_seen, modified = last_seen),
 * the identity and malware objects carry a fixed date, and the bundle id
 * is the UUIDv5 of the SHA-1 of the objects written. The bundle's "id"
 * is written after "objects" because it is known only then.
 *
 * Not representable in standard STIX, counted per indicator:
 *  - JA3/JA4: no cyber-observable object exists; the pattern compares our
 *    custom object [x-panshi-tls-fingerprint:ja3 = '...'] (kept);
 *  - a subdomain match of a name with '_' (LIKE would read '_' as a
 *    wildcard): x_panshi_subdomains only (kept);
 *  - an expiry not after first_seen (valid_until must be later than
 *    valid_from): x_panshi_expires only (kept).
 * Severity, the MIIT category, sharing and the source are always in
 * x_panshi_severity, x_panshi_category, x_panshi_shareable and
 * x_panshi_source; consumers other than Panshi ignore them.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>
#include <openssl/evp.h>

#include "core/core.h"
#include "intel/export_int.h"
#include "intel/intel.h"
#include "intel/intel_int.h"

/* created/modified of objects that have no time of their own */
#define FIXED_TIME "2019-05-01T00:00:00.000Z"
#define TLP2_EXTENSION "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"

struct stix_out {
	char identity[PS_STIX_ID_SIZE];
	bool marking_done[PS_TLP__COUNT];
	json_t *families;    /* malware name -> its id, written already */
	EVP_MD_CTX *md;      /* SHA-1 of the objects, for the bundle id */
	bool first;          /* no object written yet */
	struct ps_buf pattern;
};

/* Write the object in c->buf to the bundle, after a separator. */
static int put_object(struct ps_intel_export_ctx *c)
{
	struct stix_out *s = c->state;
	int rc = ps_jw_error(&c->jw);

	if (rc != PS_OK)
		return rc;
	if (EVP_DigestUpdate(s->md, c->buf.p, ps_buf_len(&c->buf)) != 1)
		return PS_ENOMEM;
	if (fputs(s->first ? "\n" : ",\n", c->out) == EOF)
		return PS_EIO;
	s->first = false;
	return ps_intel_export_flush(c);
}

static void common(struct ps_jw *w, const char *type, const char *id)
{
	ps_jw_obj_open(w, NULL);
	ps_jw_str(w, "type", type);
	ps_jw_str(w, "spec_version", "2.1");
	ps_jw_str(w, "id", id);
}

static int stix_begin(struct ps_intel_export_ctx *c)
{
	struct stix_out *s = c->state;
	struct ps_jw *w = &c->jw;
	char name[600];

	s->first = true;
	ps_buf_init(&s->pattern, PS_MEM_INTEL, PS_EXPORT_OBJ_MAX);
	if ((s->families = json_object()) == NULL || (s->md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(s->md, EVP_sha1(), NULL) != 1)
		return PS_ENOMEM;
	snprintf(name, sizeof(name), "identity|%s", c->producer);
	ps_intel_stix_id("identity", name, s->identity);
	if (fputs("{\"type\":\"bundle\",\"objects\":[", c->out) == EOF)
		return PS_EIO;
	common(w, "identity", s->identity);
	ps_jw_str(w, "created", FIXED_TIME);
	ps_jw_str(w, "modified", FIXED_TIME);
	ps_jw_str(w, "name", c->producer);
	ps_jw_str(w, "identity_class", "organization");
	ps_jw_obj_close(w);
	return put_object(c);
}

/* The TLP 2.0 marking definition, once per bundle (OASIS common objects). */
static int marking(struct ps_intel_export_ctx *c, enum ps_tlp tlp)
{
	static const char *const names[PS_TLP__COUNT] = {
		"TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED",
	};
	struct stix_out *s = c->state;
	struct ps_jw *w = &c->jw;

	if (s->marking_done[tlp])
		return PS_OK;
	s->marking_done[tlp] = true;
	common(w, "marking-definition", ps_stix_tlp2_ids[tlp]);
	ps_jw_str(w, "created", "2022-10-01T00:00:00.000Z");
	ps_jw_str(w, "name", names[tlp]);
	ps_jw_obj_open(w, "extensions");
	ps_jw_obj_open(w, TLP2_EXTENSION);
	ps_jw_str(w, "extension_type", "property-extension");
	ps_jw_str(w, "tlp_2_0", ps_tlp_name(tlp));
	ps_jw_obj_close(w);
	ps_jw_obj_close(w);
	ps_jw_obj_close(w);
	return put_object(c);
}

static void markings(struct ps_jw *w, enum ps_tlp tlp)
{
	ps_jw_arr_open(w, "object_marking_refs");
	ps_jw_str(w, NULL, ps_stix_tlp2_ids[tlp]);
	ps_jw_arr_close(w);
}

/* The malware object of a family, once per bundle; *id gets its id. */
static int malware(struct ps_intel_export_ctx *c, const struct ps_ioc *ioc,
		   char id[PS_STIX_ID_SIZE])
{
	struct stix_out *s = c->state;
	struct ps_jw *w = &c->jw;
	struct ps_buf name = PS_BUF_INIT(PS_MEM_INTEL, 256);
	int rc = ps_buf_addf(&name, "malware|%s", ioc->family);

	if (rc != PS_OK)
		return rc;
	ps_intel_stix_id("malware", ps_buf_cstr(&name), id);
	ps_buf_release(&name);
	if (json_object_get(s->families, ioc->family) != NULL)
		return PS_OK;
	if (json_object_set_new_nocheck(s->families, ioc->family, json_true()) != 0)
		return PS_ENOMEM;
	common(w, "malware", id);
	ps_jw_str(w, "created_by_ref", s->identity);
	ps_jw_str(w, "created", FIXED_TIME);
	ps_jw_str(w, "modified", FIXED_TIME);
	ps_jw_str(w, "name", ioc->family);
	ps_jw_bool(w, "is_family", true);
	/* marked as the first indicator that names it */
	markings(w, ioc->tlp);
	ps_jw_obj_close(w);
	return put_object(c);
}

static int relationship(struct ps_intel_export_ctx *c, const struct ps_ioc *ioc,
			const char *ind, const char *mal, const char *created,
			const char *modified)
{
	struct stix_out *s = c->state;
	struct ps_jw *w = &c->jw;
	char name[2 * PS_STIX_ID_SIZE + 16], id[PS_STIX_ID_SIZE];

	snprintf(name, sizeof(name), "relationship|%s|%s", ind, mal);
	ps_intel_stix_id("relationship", name, id);
	common(w, "relationship", id);
	ps_jw_str(w, "created_by_ref", s->identity);
	ps_jw_str(w, "created", created);
	ps_jw_str(w, "modified", modified);
	ps_jw_str(w, "relationship_type", "indicates");
	ps_jw_str(w, "source_ref", ind);
	ps_jw_str(w, "target_ref", mal);
	markings(w, ioc->tlp);
	ps_jw_obj_close(w);
	return put_object(c);
}

/* indicator-type-ov for a MIIT category (import_stix.c reads it back). */
static const char *indicator_type(enum ps_ioc_category cat)
{
	switch (cat) {
	case PS_IOC_CAT_SECURITY_INCIDENT:
		return "compromised";
	case PS_IOC_CAT_SECURITY_HAZARD:
		return "anomalous-activity";
	case PS_IOC_CAT_OTHER:
		return "unknown";
	default:
		return "malicious-activity";
	}
}

/* labels: the tags, one label each. */
static void labels(struct ps_jw *w, const char *tags)
{
	const char *p = tags, *comma;

	if (tags == NULL || tags[0] == '\0')
		return;
	ps_jw_arr_open(w, "labels");
	for (;;) {
		comma = strchr(p, ',');
		if (comma == NULL) {
			if (*p != '\0')
				ps_jw_str(w, NULL, p);
			break;
		}
		if (comma > p)
			ps_jw_strn(w, NULL, p, (size_t)(comma - p));
		p = comma + 1;
	}
	ps_jw_arr_close(w);
}

struct times {
	char first[PS_TIME_FMT_SIZE], last[PS_TIME_FMT_SIZE], expires[PS_TIME_FMT_SIZE];
	bool until;    /* expires can be valid_until */
};

static void panshi_props(struct ps_jw *w, const struct ps_ioc *ioc, const struct times *t)
{
	ps_jw_str(w, "x_panshi_category", ps_ioc_category_name(ioc->category));
	ps_jw_int(w, "x_panshi_severity", ioc->severity);
	if (ioc->family != NULL && ioc->family[0] != '\0')
		ps_jw_str(w, "x_panshi_family", ioc->family);
	ps_jw_bool(w, "x_panshi_shareable", ioc->shareable);
	if (ioc->type == PS_IOC_DOMAIN && ioc->subdomains)
		ps_jw_bool(w, "x_panshi_subdomains", true);
	if (ioc->expires != 0 && !t->until)
		ps_jw_str(w, "x_panshi_expires", t->expires);
	if (ioc->source != NULL)
		ps_jw_str(w, "x_panshi_source", ioc->source);
}

static void indicator(struct ps_intel_export_ctx *c, const struct ps_ioc *ioc, const char *id,
		      const struct times *t)
{
	struct stix_out *s = c->state;
	struct ps_jw *w = &c->jw;
	char value[PS_EXPORT_VALUE_SIZE];

	ps_intel_export_value(ioc, value);
	common(w, "indicator", id);
	ps_jw_str(w, "created_by_ref", s->identity);
	ps_jw_str(w, "created", t->first);
	ps_jw_str(w, "modified", t->last);
	ps_jw_str(w, "name", value);
	ps_jw_arr_open(w, "indicator_types");
	ps_jw_str(w, NULL, indicator_type(ioc->category));
	ps_jw_arr_close(w);
	ps_jw_str(w, "pattern", ps_buf_cstr(&s->pattern));
	ps_jw_str(w, "pattern_type", "stix");
	ps_jw_str(w, "pattern_version", "2.1");
	ps_jw_str(w, "valid_from", t->first);
	if (t->until)
		ps_jw_str(w, "valid_until", t->expires);
	ps_jw_int(w, "confidence", ioc->confidence);
	labels(w, ioc->tags);
	markings(w, ioc->tlp);
	panshi_props(w, ioc, t);
	ps_jw_obj_close(w);
}

static int stix_item(struct ps_intel_export_ctx *c, const struct ps_ioc *ioc)
{
	struct stix_out *s = c->state;
	char id[PS_STIX_ID_SIZE], mal[PS_STIX_ID_SIZE];
	struct times t;
	bool tls, no_like;
	int rc;

	ps_buf_reset(&s->pattern);
	if ((rc = ps_intel_stix_pattern_fmt(ioc, &s->pattern, &tls, &no_like)) != PS_OK)
		return rc;
	ps_intel_export_time(ioc->first_seen, t.first);
	ps_intel_export_time(ioc->last_seen, t.last);
	ps_intel_export_time(ioc->expires, t.expires);
	t.until = ioc->expires > ioc->first_seen;
	if (tls)
		ps_intel_export_note(c, PS_MSG_EXPORT_NOTE_TLSFP, true);
	if (no_like)
		ps_intel_export_note(c, PS_MSG_EXPORT_NOTE_LIKE, true);
	if (ioc->expires != 0 && !t.until)
		ps_intel_export_note(c, PS_MSG_EXPORT_NOTE_UNTIL, true);
	ps_intel_stix_indicator_id(ioc, id);
	rc = marking(c, ioc->tlp);
	if (rc == PS_OK && ioc->family != NULL && ioc->family[0] != '\0')
		rc = malware(c, ioc, mal);
	if (rc != PS_OK)
		return rc;
	indicator(c, ioc, id, &t);
	rc = put_object(c);
	if (rc == PS_OK && ioc->family != NULL && ioc->family[0] != '\0')
		rc = relationship(c, ioc, id, mal, t.first, t.last);
	return rc;
}

static int stix_end(struct ps_intel_export_ctx *c)
{
	struct stix_out *s = c->state;
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char hex[2 * EVP_MAX_MD_SIZE + 1], id[PS_STIX_ID_SIZE];

	if (EVP_DigestFinal_ex(s->md, md, &mdlen) != 1 ||
	    ps_hex_encode(md, mdlen, hex, sizeof(hex)) != PS_OK)
		return PS_ENOMEM;
	ps_intel_stix_id("bundle", hex, id);
	return fprintf(c->out, "\n],\"id\":\"%s\"}\n", id) < 0 ? PS_EIO : PS_OK;
}

static void stix_release(struct ps_intel_export_ctx *c)
{
	struct stix_out *s = c->state;

	json_decref(s->families);
	EVP_MD_CTX_free(s->md);
	ps_buf_release(&s->pattern);
}

const struct ps_intel_export_ops ps_intel_export_stix_ops = {
	.state_size = sizeof(struct stix_out),
	.begin = stix_begin,
	.item = stix_item,
	.end = stix_end,
	.release = stix_release,
};

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The export driver shared by every output format: it reads the selected
 * indicators from the store in id order, applies the export rule to each
 * (not shareable, TLP:RED and TLP above the maximum never leave) and
 * counts what it withholds, hands the rest to the format, and counts what
 * the format cannot represent. Also the helpers that keep output
 * deterministic: UUIDv5 ids and fixed time formats.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <openssl/evp.h>

#include "core/core.h"
#include "intel/export_int.h"
#include "intel/intel.h"
#include "store/store.h"

/* The namespace of every UUIDv5 we make (a fixed random UUID). */
static const uint8_t namespace_uuid[16] = {
	0x36, 0x18, 0xde, 0x5a, 0x89, 0xfd, 0x4e, 0x42,
	0x87, 0x12, 0x0e, 0xfa, 0x65, 0xa7, 0xbf, 0x8e,
};

static const char *const fmt_names[PS_INTEL_EXPORT__COUNT] = {"stix", "csv", "gbt36643"};

static const struct ps_intel_export_ops *const fmt_ops[PS_INTEL_EXPORT__COUNT] = {
	[PS_INTEL_EXPORT_STIX] = &ps_intel_export_stix_ops,
	[PS_INTEL_EXPORT_CSV] = &ps_intel_export_csv_ops,
	[PS_INTEL_EXPORT_GBT36643] = &ps_intel_export_gbt_ops,
};

const char *ps_intel_export_fmt_name(enum ps_intel_export_fmt f)
{
	return (unsigned)f < PS_INTEL_EXPORT__COUNT ? fmt_names[f] : "";
}

int ps_intel_export_fmt_parse(const char *s, enum ps_intel_export_fmt *out)
{
	for (int f = 0; f < PS_INTEL_EXPORT__COUNT; f++)
		if (s != NULL && strcasecmp(s, fmt_names[f]) == 0) {
			*out = (enum ps_intel_export_fmt)f;
			return PS_OK;
		}
	return PS_EINVAL;
}

enum ps_intel_withhold ps_intel_export_check(const struct ps_ioc *ioc, enum ps_tlp tlp_max)
{
	if (!ioc->shareable)
		return PS_INTEL_WITHHOLD_UNSHAREABLE;
	if ((unsigned)ioc->tlp >= PS_TLP_RED)
		return PS_INTEL_WITHHOLD_RED;
	if (ioc->tlp > tlp_max)
		return PS_INTEL_WITHHOLD_TLP;
	return PS_INTEL_EXPORT_OK;
}

/* ---- helpers ------------------------------------------------------------------------ */

void ps_intel_uuid5(const void *name, size_t n, char out[PS_UUID_TEXT_SIZE])
{
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	memset(md, 0, sizeof(md));
	/* RFC 4122 section 4.3: SHA-1 of the namespace then the name */
	if (ctx == NULL || EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) != 1 ||
	    EVP_DigestUpdate(ctx, namespace_uuid, sizeof(namespace_uuid)) != 1 ||
	    EVP_DigestUpdate(ctx, name, n) != 1 || EVP_DigestFinal_ex(ctx, md, &mdlen) != 1)
		memset(md, 0, sizeof(md)); /* only when OpenSSL itself fails */
	EVP_MD_CTX_free(ctx);
	md[6] = (uint8_t)((md[6] & 0x0f) | 0x50);
	md[8] = (uint8_t)((md[8] & 0x3f) | 0x80);
	snprintf(out, PS_UUID_TEXT_SIZE,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 md[0], md[1], md[2], md[3], md[4], md[5], md[6], md[7], md[8], md[9], md[10],
		 md[11], md[12], md[13], md[14], md[15]);
}

void ps_intel_stix_id(const char *prefix, const char *name, char out[PS_STIX_ID_SIZE])
{
	char u[PS_UUID_TEXT_SIZE];

	ps_intel_uuid5(name, strlen(name), u);
	snprintf(out, PS_STIX_ID_SIZE, "%s--%s", prefix, u);
}

void ps_intel_stix_indicator_id(const struct ps_ioc *ioc, char out[PS_STIX_ID_SIZE])
{
	struct ps_buf name = PS_BUF_INIT(PS_MEM_INTEL, 2 * PS_EXPORT_VALUE_SIZE);
	char value[PS_EXPORT_VALUE_SIZE], u[PS_UUID_TEXT_SIZE];

	ps_intel_export_value(ioc, value);
	if (ps_buf_addf(&name, "indicator|%s|%s|%s", ps_ioc_type_name(ioc->type), value,
			ioc->source ? ioc->source : "") != PS_OK)
		ps_buf_reset(&name); /* out of memory: an id all the same */
	ps_intel_uuid5(ps_buf_cstr(&name), ps_buf_len(&name), u);
	snprintf(out, PS_STIX_ID_SIZE, "indicator--%s", u);
	ps_buf_release(&name);
}

void ps_intel_export_time(int64_t us, char out[PS_TIME_FMT_SIZE])
{
	unsigned flags = us % 1000 != 0 ? PS_TIME_FMT_US : PS_TIME_FMT_MS;

	if (ps_time_fmt_iso8601(us, PS_TZ_UTC, flags, out, PS_TIME_FMT_SIZE) != PS_OK)
		snprintf(out, PS_TIME_FMT_SIZE, "1970-01-01T00:00:00.000Z");
}

void ps_intel_export_value(const struct ps_ioc *ioc, char out[PS_EXPORT_VALUE_SIZE])
{
	if (ioc->type == PS_IOC_CIDR4 || ioc->type == PS_IOC_CIDR6)
		snprintf(out, PS_EXPORT_VALUE_SIZE, "%s/%u", ioc->value, ioc->prefix);
	else
		snprintf(out, PS_EXPORT_VALUE_SIZE, "%s%s",
			 ioc->type == PS_IOC_DOMAIN && ioc->subdomains ? "*." : "", ioc->value);
}

/* Append s as the inside of a STIX pattern string: ' and \ escaped (section 9.3). */
static int pattern_str(struct ps_buf *b, const char *s)
{
	int rc = PS_OK;

	for (; *s != '\0' && rc == PS_OK; s++) {
		if (*s == '\'' || *s == '\\')
			rc = ps_buf_addch(b, '\\');
		if (rc == PS_OK)
			rc = ps_buf_addch(b, (uint8_t)*s);
	}
	return rc;
}

int ps_intel_stix_pattern_fmt(const struct ps_ioc *ioc, struct ps_buf *b, bool *tls_custom,
			      bool *no_like)
{
	static const char *const paths[PS_IOC__COUNT] = {
		[PS_IOC_IPV4] = "ipv4-addr:value", [PS_IOC_CIDR4] = "ipv4-addr:value",
		[PS_IOC_IPV6] = "ipv6-addr:value", [PS_IOC_CIDR6] = "ipv6-addr:value",
		[PS_IOC_DOMAIN] = "domain-name:value", [PS_IOC_URL] = "url:value",
		[PS_IOC_MD5] = "file:hashes.MD5", [PS_IOC_SHA1] = "file:hashes.'SHA-1'",
		[PS_IOC_SHA256] = "file:hashes.'SHA-256'",
		[PS_IOC_JA3] = "x-panshi-tls-fingerprint:ja3",
		[PS_IOC_JA4] = "x-panshi-tls-fingerprint:ja4",
	};
	bool cidr = ioc->type == PS_IOC_CIDR4 || ioc->type == PS_IOC_CIDR6;
	int rc;

	*tls_custom = ioc->type == PS_IOC_JA3 || ioc->type == PS_IOC_JA4;
	*no_like = false;
	if ((unsigned)ioc->type >= PS_IOC__COUNT || paths[ioc->type] == NULL)
		return PS_EINVAL;
	rc = ps_buf_addf(b, "[%s %s '", paths[ioc->type], cidr ? "ISSUBSET" : "=");
	if (rc == PS_OK)
		rc = pattern_str(b, ioc->value);
	if (rc == PS_OK && cidr)
		rc = ps_buf_addf(b, "/%u", ioc->prefix);
	if (rc == PS_OK)
		rc = ps_buf_addch(b, '\'');
	/* the name and every name below it: LIKE '%.name', when '_' is not in it */
	if (rc == PS_OK && ioc->type == PS_IOC_DOMAIN && ioc->subdomains) {
		*no_like = strchr(ioc->value, '_') != NULL;
		if (!*no_like)
			rc = ps_buf_addf(b, " OR domain-name:value LIKE '%%.%s'", ioc->value);
	}
	return rc == PS_OK ? ps_buf_addch(b, ']') : rc;
}

/* ---- the driver ----------------------------------------------------------------------- */

void ps_intel_export_note(struct ps_intel_export_ctx *c, enum ps_msg_id reason, bool kept)
{
	struct ps_intel_export_report *r = c->r;
	const char *text = ps_tr(reason);
	size_t i;

	if (kept)
		c->kept = true;
	else
		c->dropped = true;
	for (i = 0; i < r->n_notes; i++)
		if (r->notes[i].kept == kept && strcmp(r->notes[i].reason, text) == 0)
			break;
	if (i == r->n_notes) {
		if (i == PS_INTEL_EXPORT_NOTES) {
			i--; /* the last note collects the rest */
		} else {
			snprintf(r->notes[i].reason, sizeof(r->notes[i].reason), "%s", text);
			r->notes[i].kept = kept;
			r->n_notes++;
		}
	}
	r->notes[i].count++;
}

int ps_intel_export_flush(struct ps_intel_export_ctx *c)
{
	int rc = ps_jw_error(&c->jw);

	if (rc == PS_OK && ps_buf_len(&c->buf) > 0 &&
	    fwrite(c->buf.p, 1, ps_buf_len(&c->buf), c->out) != ps_buf_len(&c->buf))
		rc = PS_EIO;
	ps_buf_reset(&c->buf);
	ps_jw_init(&c->jw, &c->buf);
	return rc == PS_OK && ferror(c->out) ? PS_EIO : rc;
}

struct run {
	struct ps_intel_export_ctx *c;
	const struct ps_intel_export_ops *ops;
	enum ps_tlp tlp_max;
};

static int each(void *arg, const struct ps_ioc *ioc)
{
	struct run *run = arg;
	struct ps_intel_export_report *r = run->c->r;
	int rc;

	r->selected++;
	switch (ps_intel_export_check(ioc, run->tlp_max)) {
	case PS_INTEL_WITHHOLD_UNSHAREABLE:
		r->withheld_unshareable++;
		return PS_OK;
	case PS_INTEL_WITHHOLD_RED:
		r->withheld_red++;
		return PS_OK;
	case PS_INTEL_WITHHOLD_TLP:
		r->withheld_tlp++;
		return PS_OK;
	case PS_INTEL_EXPORT_OK:
		break;
	}
	run->c->kept = run->c->dropped = false;
	rc = run->ops->item(run->c, ioc);
	if (rc != PS_OK)
		return rc;
	if (run->c->dropped) {
		r->dropped++;
	} else {
		r->exported++;
		r->approximated += run->c->kept;
	}
	return PS_OK;
}

static void export_message(int rc, struct ps_store *st, struct ps_diag *d)
{
	if (rc == PS_EDB)
		ps_tr_fmt(d->msg, sizeof(d->msg), PS_MSG_INTEL_QUERY_FAIL, ps_store_errmsg(st));
	else if (rc != PS_OK)
		ps_tr_fmt(d->msg, sizeof(d->msg), PS_MSG_EXPORT_WRITE, ps_strerror(rc));
}

int ps_intel_export(struct ps_store *st, const struct ps_intel_export_opts *o, FILE *out,
		    struct ps_intel_export_report *r, struct ps_diag *d)
{
	struct ps_intel_export_ctx c = {.o = o, .r = r, .out = out};
	struct run run = {.c = &c};
	struct ps_intel_filter f;
	struct ps_diag dummy;
	int64_t start = ps_time_now_us();
	int rc;

	d = d != NULL ? d : &dummy;
	d->msg[0] = '\0';
	memset(r, 0, sizeof(*r));
	if ((unsigned)o->format >= PS_INTEL_EXPORT__COUNT ||
	    (unsigned)o->filter.tlp_max >= PS_TLP__COUNT) {
		ps_tr_fmt(d->msg, sizeof(d->msg), PS_MSG_EXPORT_WRITE, ps_strerror(PS_EINVAL));
		return PS_EINVAL;
	}
	run.ops = fmt_ops[o->format];
	run.tlp_max = o->filter.tlp_max;
	c.producer = o->producer != NULL && o->producer[0] != '\0' ? o->producer : "Panshi";
	ps_buf_init(&c.buf, PS_MEM_INTEL, 4 * PS_EXPORT_OBJ_MAX);
	ps_jw_init(&c.jw, &c.buf);
	f = o->filter;
	f.exportable = false; /* applied here, per indicator, to count by reason */
	f.limit = f.offset = 0;
	rc = run.ops->state_size > 0 &&
	     (c.state = ps_calloc(PS_MEM_INTEL, 1, run.ops->state_size)) == NULL ? PS_ENOMEM : PS_OK;
	if (rc == PS_OK && run.ops->begin != NULL)
		rc = run.ops->begin(&c);
	if (rc == PS_OK)
		rc = ps_intel_query(st, &f, each, &run);
	if (rc == PS_OK && run.ops->end != NULL)
		rc = run.ops->end(&c);
	if (rc == PS_OK)
		rc = ps_intel_export_flush(&c);
	if (rc == PS_OK && fflush(out) != 0)
		rc = PS_EIO;
	if (c.state != NULL && run.ops->release != NULL)
		run.ops->release(&c);
	ps_free(c.state);
	ps_buf_release(&c.buf);
	export_message(rc, st, d);
	r->elapsed_us = ps_time_now_us() - start;
	return rc;
}

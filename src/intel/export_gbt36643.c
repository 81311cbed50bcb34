/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The GB/T 36643-2018 exporter (信息安全技术 网络安全威胁信息格式规范):
 * a JSON document of the standard's components as DOMAIN.md section 12
 * maps them: each indicator is an 攻击指标 (indicator) component holding
 * its 可观测数据 (observable data) components, and each malware family an
 * 攻击方法 (attack method) component the indicators refer to.
 *
 * UNVERIFIED, read this before relying on the format: the text of GB/T
 * 36643-2018, and in particular the JSON field names of its Annex A
 * example, were not available when this was written. The component names
 * and their grouping come from the standard's table of contents (DOMAIN.md
 * section 12); every JSON key below ("indicators", "observables",
 * "attack_methods", "pattern", "valid_from", ...) is ours, chosen after
 * STIX 2.1 because the standard is modelled on it, and says so in the
 * document's "mapping" member. Which component sits in which of the three
 * domains (object, method, event) is not known either, so no domain is
 * written. Check against the standard before submitting to a regulator.
 *
 * Document:
 *   {"standard": "GB/T 36643-2018", "mapping": ..., "producer": {...},
 *    "indicators": [{"component": "攻击指标", "id", "name", "category",
 *      "category_name", "severity", "confidence", "tlp", "valid_from",
 *      "last_seen", "valid_until", "labels", "source", "pattern",
 *      "pattern_type", "observables": [{"component": "可观测数据", "id",
 *      "type", "value" | "hashes" | "ja3"/"ja4", "subdomains"}],
 *      "attack_method_refs": [...]}],
 *    "attack_methods": [{"component": "攻击方法", "id", "type": "malware",
 *      "name"}]}
 * Ids are the STIX ids of export_stix.c (indicator--, malware--) and
 * observed-data-- UUIDv5 ids, so both exports of one store agree.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "core/core.h"
#include "intel/export_int.h"
#include "intel/intel.h"

#define MAPPING "panshi-gbt36643-1 (unofficial: field names ours, GB/T 36643-2018 Annex A " \
		"not verified; see docs/INTEL.md)"

/* The category titles are consecutive messages in the order of the enum. */
_Static_assert(PS_MSG_IOC_CAT_OTHER - PS_MSG_IOC_CAT_NONE == PS_IOC_CAT_OTHER,
	       "category messages out of order");

struct gbt_out {
	json_t *families;   /* name -> malware id, in order of first use */
	bool first;
	struct ps_buf pattern;
};

static int gbt_begin(struct ps_intel_export_ctx *c)
{
	struct gbt_out *g = c->state;
	struct ps_buf *b = &c->buf;
	int rc;

	g->first = true;
	ps_buf_init(&g->pattern, PS_MEM_INTEL, PS_EXPORT_OBJ_MAX);
	if ((g->families = json_object()) == NULL)
		return PS_ENOMEM;
	/* the document is closed by gbt_end; its members are written as text */
	rc = ps_buf_addstr(b, "{\"standard\":\"GB/T 36643-2018\",\"title\":\""
			      "信息安全技术 网络安全威胁信息格式规范\",\"mapping\":\"" MAPPING
			      "\",\"producer\":{\"name\":\"");
	if (rc == PS_OK)
		rc = ps_json_escape(b, c->producer, strlen(c->producer));
	if (rc == PS_OK)
		rc = ps_buf_addstr(b, "\"},\"indicators\":[");
	return rc == PS_OK ? ps_intel_export_flush(c) : rc;
}

/* The observable (可观测数据) of one indicator. */
static void observable(struct ps_jw *w, const struct ps_ioc *ioc, const char *ind_id)
{
	static const char *const hash_names[] = {"MD5", "SHA-1", "SHA-256"};
	char value[PS_EXPORT_VALUE_SIZE], name[PS_STIX_ID_SIZE + 16], id[PS_STIX_ID_SIZE];

	snprintf(name, sizeof(name), "observable|%s", ind_id);
	ps_intel_stix_id("observed-data", name, id);
	ps_jw_obj_open(w, NULL);
	ps_jw_str(w, "component", "可观测数据");
	ps_jw_str(w, "id", id);
	switch (ioc->type) {
	case PS_IOC_IPV4:
	case PS_IOC_CIDR4:
	case PS_IOC_IPV6:
	case PS_IOC_CIDR6:
		ps_intel_export_value(ioc, value);
		ps_jw_str(w, "type", ioc->type == PS_IOC_IPV4 || ioc->type == PS_IOC_CIDR4
					     ? "ipv4-addr" : "ipv6-addr");
		ps_jw_str(w, "value", value);
		break;
	case PS_IOC_DOMAIN:
		ps_jw_str(w, "type", "domain-name");
		ps_jw_str(w, "value", ioc->value);
		if (ioc->subdomains)
			ps_jw_bool(w, "subdomains", true);
		break;
	case PS_IOC_URL:
		ps_jw_str(w, "type", "url");
		ps_jw_str(w, "value", ioc->value);
		break;
	case PS_IOC_MD5:
	case PS_IOC_SHA1:
	case PS_IOC_SHA256:
		ps_jw_str(w, "type", "file");
		ps_jw_obj_open(w, "hashes");
		ps_jw_str(w, hash_names[ioc->type - PS_IOC_MD5], ioc->value);
		ps_jw_obj_close(w);
		break;
	default: /* JA3, JA4 */
		ps_jw_str(w, "type", "tls-fingerprint");
		ps_jw_str(w, ps_ioc_type_name(ioc->type), ioc->value);
		break;
	}
	ps_jw_obj_close(w);
}

static void times(struct ps_jw *w, const struct ps_ioc *ioc)
{
	char t[PS_TIME_FMT_SIZE];

	ps_intel_export_time(ioc->first_seen, t);
	ps_jw_str(w, "valid_from", t);
	ps_intel_export_time(ioc->last_seen, t);
	ps_jw_str(w, "last_seen", t);
	if (ioc->expires != 0) {
		ps_intel_export_time(ioc->expires, t);
		ps_jw_str(w, "valid_until", t);
	}
}

static void labels(struct ps_jw *w, const char *tags)
{
	const char *p = tags, *comma;

	ps_jw_arr_open(w, "labels");
	while (p != NULL && *p != '\0') {
		comma = strchr(p, ',');
		if (comma == NULL)
			comma = p + strlen(p);
		if (comma > p)
			ps_jw_strn(w, NULL, p, (size_t)(comma - p));
		p = *comma ? comma + 1 : comma;
	}
	ps_jw_arr_close(w);
}

/* The 攻击方法 id of the indicator's family, remembered for gbt_end. */
static int family_ref(struct gbt_out *g, const char *family, char id[PS_STIX_ID_SIZE])
{
	struct ps_buf name = PS_BUF_INIT(PS_MEM_INTEL, 256);
	int rc = ps_buf_addf(&name, "malware|%s", family);

	if (rc != PS_OK)
		return rc;
	ps_intel_stix_id("malware", ps_buf_cstr(&name), id);
	ps_buf_release(&name);
	if (json_object_get(g->families, family) != NULL)
		return PS_OK;
	return json_object_set_new_nocheck(g->families, family, json_string(id)) == 0
		       ? PS_OK : PS_ENOMEM;
}

static int gbt_item(struct ps_intel_export_ctx *c, const struct ps_ioc *ioc)
{
	struct gbt_out *g = c->state;
	struct ps_jw *w = &c->jw;
	char id[PS_STIX_ID_SIZE], mal[PS_STIX_ID_SIZE] = "", value[PS_EXPORT_VALUE_SIZE];
	bool family = ioc->family != NULL && ioc->family[0] != '\0', tls, no_like;
	int rc;

	ps_buf_reset(&g->pattern);
	if ((rc = ps_intel_stix_pattern_fmt(ioc, &g->pattern, &tls, &no_like)) != PS_OK ||
	    (family && (rc = family_ref(g, ioc->family, mal)) != PS_OK))
		return rc;
	ps_intel_stix_indicator_id(ioc, id);
	ps_intel_export_value(ioc, value);
	if (!g->first && ps_buf_addch(&c->buf, ',') != PS_OK)
		return PS_ENOMEM;
	g->first = false;
	ps_jw_obj_open(w, NULL);
	ps_jw_str(w, "component", "攻击指标");
	ps_jw_str(w, "id", id);
	ps_jw_str(w, "name", value);
	ps_jw_str(w, "category", ps_ioc_category_name(ioc->category));
	ps_jw_str(w, "category_name",
		  ps_tr_lang((enum ps_msg_id)(PS_MSG_IOC_CAT_NONE + ioc->category), PS_LANG_ZH_CN));
	ps_jw_int(w, "severity", ioc->severity);
	ps_jw_int(w, "confidence", ioc->confidence);
	ps_jw_str(w, "tlp", ps_tlp_name(ioc->tlp));
	times(w, ioc);
	labels(w, ioc->tags);
	if (family)
		ps_jw_str(w, "family", ioc->family);
	if (ioc->source != NULL)
		ps_jw_str(w, "source", ioc->source);
	ps_jw_str(w, "pattern", ps_buf_cstr(&g->pattern));
	ps_jw_str(w, "pattern_type", "stix");
	ps_jw_arr_open(w, "observables");
	observable(w, ioc, id);
	ps_jw_arr_close(w);
	ps_jw_arr_open(w, "attack_method_refs");
	if (family)
		ps_jw_str(w, NULL, mal);
	ps_jw_arr_close(w);
	ps_jw_obj_close(w);
	return ps_intel_export_flush(c);
}

static int gbt_end(struct ps_intel_export_ctx *c)
{
	struct gbt_out *g = c->state;
	struct ps_jw *w = &c->jw;
	const char *name;
	json_t *id;
	bool first = true;

	if (ps_buf_addstr(&c->buf, "],\"attack_methods\":[") != PS_OK)
		return PS_ENOMEM;
	json_object_foreach(g->families, name, id) {
		if (!first && ps_buf_addch(&c->buf, ',') != PS_OK)
			return PS_ENOMEM;
		first = false;
		ps_jw_obj_open(w, NULL);
		ps_jw_str(w, "component", "攻击方法");
		ps_jw_str(w, "id", json_string_value(id));
		ps_jw_str(w, "type", "malware");
		ps_jw_str(w, "name", name);
		ps_jw_obj_close(w);
		if (ps_intel_export_flush(c) != PS_OK)
			return PS_EIO;
	}
	return ps_buf_addstr(&c->buf, "]}\n") == PS_OK ? ps_intel_export_flush(c) : PS_ENOMEM;
}

static void gbt_release(struct ps_intel_export_ctx *c)
{
	struct gbt_out *g = c->state;

	json_decref(g->families);
	ps_buf_release(&g->pattern);
}

const struct ps_intel_export_ops ps_intel_export_gbt_ops = {
	.state_size = sizeof(struct gbt_out),
	.begin = gbt_begin,
	.item = gbt_item,
	.end = gbt_end,
	.release = gbt_release,
};

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The "incident:" configuration section: the operational settings of the
 * closed loop (automatic verification, what counts as our network, who
 * receives unregistered addresses). Legal periods are in policy/.
 */
#include <stddef.h>
#include <string.h>

#include "core/core.h"
#include "incident/case.h"

static const struct ps_conf_item case_items[] = {
	{"auto_verify_quiet", PS_CONF_DURATION,
	 offsetof(struct ps_case_settings, auto_verify_quiet), 0,
	 INT64_C(3650) * 86400, "7d", NULL,
	 "a rectified incident whose evidence has not recurred for this long "
	 "is verified automatically by `panshi case tick` (0 = only by hand)"},
	{"home_net", PS_CONF_STRING,
	 offsetof(struct ps_case_settings, home_net), 0, 4096,
	 "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,100.64.0.0/10,fc00::/7", NULL,
	 "comma-separated address ranges that are ours besides the registry's "
	 "address blocks and IP filings; an address in them that matches no "
	 "asset opens an unregistered-asset item"},
	{"unregistered_dept", PS_CONF_STRING,
	 offsetof(struct ps_case_settings, unregistered_dept), 0, 128, "", NULL,
	 "registry department key that owns incidents on unregistered "
	 "addresses (empty = left unassigned)"},
	{"batch", PS_CONF_INT, offsetof(struct ps_case_settings, batch), 1,
	 100000, "1000", NULL,
	 "events `panshi case correlate` groups per transaction"},
};

const struct ps_conf_section ps_case_conf_section = {
	.name = "incident",
	.doc = "incidents: correlation, routing and verification",
	.items = case_items,
	.n_items = PS_ARRAY_LEN(case_items),
	.size = sizeof(struct ps_case_settings),
};

void ps_case_settings_default(struct ps_case_settings *s)
{
	memset(s, 0, sizeof(*s));
	s->auto_verify_quiet = INT64_C(7) * 86400;
	s->batch = 1000;
}

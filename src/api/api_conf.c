/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The "api:" configuration section of `panshi serve`: where it listens,
 * TLS, the console's directory, threads, body and rate limits, and the
 * login and session limits the authentication code enforces.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "api/api.h"
#include "core/core.h"

#define KIB INT64_C(1024)
#define MIB (KIB * KIB)
#define DAY INT64_C(86400)

static const struct ps_conf_item api_items[] = {
	{"listen", PS_CONF_STRING, offsetof(struct ps_api_settings, listen), 1, 300,
	 "127.0.0.1:8443", NULL,
	 "address and port to serve on: \"host:port\" or \"[v6-address]:port\"; "
	 "port 0 picks a free one"},
	{"tls_cert", PS_CONF_STRING, offsetof(struct ps_api_settings, tls_cert), 0, 4096,
	 "", NULL,
	 "PEM certificate chain for HTTPS (empty with tls_key empty = plain HTTP, "
	 "meant for loopback only)"},
	{"tls_key", PS_CONF_STRING, offsetof(struct ps_api_settings, tls_key), 0, 4096,
	 "", NULL, "PEM private key of tls_cert"},
	{"web_root", PS_CONF_STRING, offsetof(struct ps_api_settings, web_root), 0, 4096,
	 "web/dist", NULL,
	 "directory of the built web console (empty = serve the API only)"},
	{"threads", PS_CONF_INT, offsetof(struct ps_api_settings, threads), 1, 256, "4",
	 NULL, "request threads; each opens its own store connection"},
	{"max_body", PS_CONF_SIZE, offsetof(struct ps_api_settings, max_body), KIB,
	 64 * MIB, "1M", NULL,
	 "largest JSON request body; a larger one is refused with 413"},
	{"max_upload", PS_CONF_SIZE, offsetof(struct ps_api_settings, max_upload), KIB,
	 4096 * MIB, "256M", NULL,
	 "largest raw upload (intel import files), held in memory while read"},
	{"rate_per_minute", PS_CONF_INT, offsetof(struct ps_api_settings, rate_per_minute),
	 0, 1000000, "600", NULL,
	 "requests per client address per minute before 429 (0 = no limit)"},
	{"login_failures", PS_CONF_INT, offsetof(struct ps_api_settings, login_failures),
	 1, 1000, "5", NULL,
	 "failed logins of one user from one address that lock it out ..."},
	{"login_window", PS_CONF_DURATION, offsetof(struct ps_api_settings, login_window),
	 60, DAY, "15m", NULL,
	 "... within this sliding window (the lockout ends as they age out of it)"},
	{"session_idle", PS_CONF_DURATION, offsetof(struct ps_api_settings, session_idle),
	 60, DAY, "30m", NULL, "a login session unused this long ends"},
	{"session_max", PS_CONF_DURATION, offsetof(struct ps_api_settings, session_max),
	 60, 30 * DAY, "12h", NULL, "any login session ends after this long"},
	{"stop_wait", PS_CONF_DURATION, offsetof(struct ps_api_settings, stop_wait),
	 0, DAY, "2m", NULL,
	 "on SIGINT or SIGTERM, how long to wait for running intel imports to "
	 "finish (a second signal stops at once)"},
};

const struct ps_conf_section ps_api_conf_section = {
	.name = "api",
	.doc = "REST API and web console (`panshi serve`)",
	.items = api_items,
	.n_items = PS_ARRAY_LEN(api_items),
	.size = sizeof(struct ps_api_settings),
};

void ps_api_settings_default(struct ps_api_settings *s)
{
	memset(s, 0, sizeof(*s));
	s->listen = (char *)"127.0.0.1:8443";
	s->tls_cert = (char *)"";
	s->tls_key = (char *)"";
	s->web_root = (char *)"web/dist";
	s->threads = 4;
	s->max_body = MIB;
	s->max_upload = 256 * MIB;
	s->rate_per_minute = 600;
	s->login_failures = 5;
	s->login_window = 15 * 60;
	s->session_idle = 30 * 60;
	s->session_max = 12 * 3600;
	s->stop_wait = 120;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fuzz the API server with raw bytes as an HTTP request on loopback: the
 * request line, headers (Authorization, Cookie, X-CSRF-Token, Content-
 * Length, chunked bodies), URL and query decoding, routing, the list
 * grammar and JSON bodies, against a server on an in-process temporary
 * SQLite store. The server must answer or close, and never crash.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "api/api.h"
#include "core/core.h"
#include "fuzz.h"
#include "incident/case.h"
#include "policy/policy.h"
#include "store/store.h"

static struct ps_api_server *srv;
static unsigned port;

static int init(void)
{
	static char dir[] = "/tmp/panshi-fuzz-api-XXXXXX";
	static char db[96];
	static struct ps_api_settings set;
	static struct ps_store_settings ss;
	static struct ps_case_settings cs;
	static const uint8_t key[32] = "fuzz-fuzz-fuzz-fuzz-fuzz-fuzz-!";
	static struct ps_policy *pol;
	struct ps_api_server_opts o = {0};
	struct ps_store *st;
	struct ps_diag d = {{0}};

	if (mkdtemp(dir) == NULL)
		return -1;
	(void)snprintf(db, sizeof(db), "%s/f.db", dir);
	ps_store_settings_default(&ss);
	ps_case_settings_default(&cs);
	ps_api_settings_default(&set);
	set.listen = (char *)"127.0.0.1:0";
	set.web_root = (char *)"";
	set.rate_per_minute = 0;
	set.threads = 2;
	if (ps_policy_load_dir(PANSHI_SOURCE_DIR "/policy", &pol, &d) != PS_OK ||
	    ps_store_open(db, &ss, &st, &d) != PS_OK ||
	    ps_store_migrate(st, NULL, NULL, &d) != PS_OK) {
		fprintf(stderr, "init: %s\n", d.msg);
		return -1;
	}
	ps_store_close(st);
	o.set = &set;
	o.db = db;
	o.store_set = &ss;
	o.policy = pol;
	o.audit_key = key;
	o.audit_key_len = sizeof(key);
	o.case_settings = &cs;
	if (ps_api_server_start(&o, &srv, &d) != PS_OK) {
		fprintf(stderr, "server: %s\n", d.msg);
		return -1;
	}
	port = ps_api_server_port(srv);
	return port ? 0 : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct sockaddr_in a = {0};
	struct pollfd p;
	char buf[4096];
	int fd;

	if (!ready)
		ready = init() == 0 ? 1 : -1;
	if (ready < 0)
		return 0;
	if (size > 65536)
		size = 65536;
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return 0;
	a.sin_family = AF_INET;
	a.sin_port = htons((uint16_t)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0) {
		for (size_t off = 0; off < size;) {
			ssize_t n = send(fd, data + off, size - off, MSG_NOSIGNAL);

			if (n <= 0)
				break;
			off += (size_t)n;
		}
		(void)shutdown(fd, SHUT_WR);
		p.fd = fd;
		p.events = POLLIN;
		/* read the answer until the server closes (0.3 s of silence at most) */
		while (poll(&p, 1, 300) > 0 && recv(fd, buf, sizeof(buf), 0) > 0)
			;
	}
	close(fd);
	return 0;
}

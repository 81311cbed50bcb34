/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The fixture of every REST API suite: a fresh store (SQLite file or
 * PostgreSQL schema, argv[1] as in reg_fixture.h) holding the sample
 * registry, an audit trail, and a running `panshi serve` server on
 * 127.0.0.1:<ephemeral> with a tiny web console; plus a plain-socket
 * HTTP/1.1 client and API tokens for users of any role.
 *
 * Include after the system headers, cmocka.h, jansson.h and the project
 * headers (api/api.h, api/auth.h, audit/audit.h, core/core.h,
 * incident/case.h, policy/policy.h, registry/bulk.h, registry/registry.h,
 * store/store.h) and <poll.h>, <netinet/in.h>, <arpa/inet.h>,
 * <sys/socket.h>, <sys/stat.h>, <strings.h>, <unistd.h>. Optionally define
 * AFX_NAME (a short lowercase tag, default "api") before including. Use
 * afx_setup/afx_teardown as each test's setup and teardown and
 * afx_run(argc, argv, tests) in main. A test may change
 * f->api (rate, limits, TLS) and call afx_restart(f).
 */
#ifndef PS_TEST_API_FIXTURE_H
#define PS_TEST_API_FIXTURE_H

#ifndef AFX_NAME
#define AFX_NAME "api"
#endif
#define REG_FX_NAME AFX_NAME
#include "../registry/reg_fixture.h"

#define AFX_UNUSED __attribute__((unused))
#define AFX_MAX_TOKENS 32
#define AFX_PASSWORD "correct-horse-battery"  /* every afx_token user's */

struct afx {
	struct ps_store *st;           /* the test's own handle */
	struct ps_store_settings set;
	struct ps_registry r;
	char spec[512];
	char schema[64];
	struct ps_audit *a;
	struct ps_api_settings api;    /* listen 127.0.0.1:0, web_root = web */
	struct ps_case_settings cs;
	struct ps_api_server *srv;
	unsigned port;
	char web[300];                 /* index.html, app.js */
	char *tokens[AFX_MAX_TOKENS];  /* "Authorization: Bearer ..." */
	size_t ntokens;
	int nusers;
};

/* An answer: headers are the raw header lines, body NUL-terminated. */
struct afx_resp {
	unsigned status;
	char *headers;
	char *body;
	size_t body_len;
	json_t *json;   /* the body parsed, or NULL when it is not JSON */
};

static const uint8_t afx_audit_key[32] = "api-fixture-audit-key-0123456789";

static const char afx_index_html[] =
	"<!doctype html><html><head><title>磐石</title></head>"
	"<body><div id=\"app\"></div><script src=\"/app.js\"></script></body></html>\n";
static const char afx_app_js[] = "console.log('panshi');\n";

static AFX_UNUSED int afx_write(const char *dir, const char *name, const char *text)
{
	char path[400];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "w");
	if (fp == NULL)
		return -1;
	fputs(text, fp);
	return fclose(fp) == 0 ? 0 : -1;
}

/* Start the server with f->api; 0 or -1 with the reason printed. */
static AFX_UNUSED int afx_start(struct afx *f)
{
	struct ps_api_server_opts o = {
		.set = &f->api,
		.db = f->spec,
		.store_set = &f->set,
		.policy = pol,
		.audit_key = afx_audit_key,
		.audit_key_len = sizeof(afx_audit_key),
		.case_settings = &f->cs,
	};
	struct ps_diag d = {{0}};

	if (ps_api_server_start(&o, &f->srv, &d) != PS_OK) {
		print_error("server: %s\n", d.msg);
		return -1;
	}
	f->port = ps_api_server_port(f->srv);
	return f->port != 0 ? 0 : -1;
}

static AFX_UNUSED int afx_restart(struct afx *f)
{
	ps_api_server_stop(f->srv);
	f->srv = NULL;
	return afx_start(f);
}

static AFX_UNUSED int afx_load_registry(struct afx *f)
{
	struct ps_reg_bulk b;
	struct ps_reg_bulk_report rep;
	char path[1200];
	int rc;

	snprintf(path, sizeof(path), "%s/samples/registry/demo-operator.yaml", srcdir);
	if (ps_reg_bulk_init(&b) != PS_OK)
		return -1;
	rc = ps_reg_bulk_read(&b, path, PS_REG_BULK_AUTO, NULL);
	if (rc == PS_OK)
		rc = ps_reg_bulk_apply(&f->r, &b, false, &rep);
	if (rc != PS_OK)
		for (size_t i = 0; i < ps_reg_bulk_errors_kept(&b); i++)
			print_error("%s\n", ps_reg_bulk_error_at(&b, i));
	ps_reg_bulk_release(&b);
	return rc == PS_OK ? 0 : -1;
}

static AFX_UNUSED int afx_setup(void **state)
{
	struct afx *f = ps_calloc(PS_MEM_TEST, 1, sizeof(*f));

	if (f == NULL)
		return -1;
	*state = f;
	if (reg_store_open(&f->st, &f->set, &f->r, f->spec, f->schema) != 0 ||
	    ps_audit_open(f->st, afx_audit_key, sizeof(afx_audit_key), &f->a) != PS_OK ||
	    afx_load_registry(f) != 0)
		return -1;
	snprintf(f->web, sizeof(f->web), "%s/web%d", tmpdir, seq);
	if (mkdir(f->web, 0700) != 0 || afx_write(f->web, "index.html", afx_index_html) ||
	    afx_write(f->web, "app.js", afx_app_js))
		return -1;
	ps_case_settings_default(&f->cs);
	f->cs.home_net = (char *)"10.0.0.0/8,172.16.0.0/12,192.168.0.0/16";
	f->cs.unregistered_dept = (char *)"";
	ps_api_settings_default(&f->api);
	f->api.listen = (char *)"127.0.0.1:0";
	f->api.web_root = f->web;
	f->api.threads = 2;
	return afx_start(f);
}

static AFX_UNUSED int afx_teardown(void **state)
{
	struct afx *f = *state;
	int rc;

	if (f == NULL)
		return 0;
	ps_api_server_stop(f->srv);
	for (size_t i = 0; i < f->ntokens; i++)
		ps_free(f->tokens[i]);
	ps_audit_close(f->a);
	rc = reg_store_close(f->st, f->spec, f->schema);
	ps_free(f);
	return rc;
}

#define afx_run(argc, argv, tests) reg_run((argc), (argv), (tests))

/* ---- the HTTP client ---- */

static AFX_UNUSED void afx_resp_free(struct afx_resp *r)
{
	ps_free(r->headers);
	ps_free(r->body);
	json_decref(r->json);
	memset(r, 0, sizeof(*r));
}

/* The value of header `name` (first one, case-insensitive) into out, or NULL. */
static AFX_UNUSED const char *afx_header(const struct afx_resp *r, const char *name,
					 char *out, size_t n)
{
	size_t nl = strlen(name);

	for (const char *p = r->headers; p != NULL && *p; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
			const char *v = p + nl + 1;
			size_t vl;

			v += strspn(v, " \t");
			vl = strcspn(v, "\r\n");
			snprintf(out, n, "%.*s", (int)vl, v);
			return out;
		}
	}
	return NULL;
}

/* Send all of p unless the server answers (or closes) first. */
static AFX_UNUSED void afx_send_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		struct pollfd pf = {fd, POLLOUT | POLLIN, 0};
		ssize_t w;

		if (poll(&pf, 1, 10000) <= 0 || (pf.revents & (POLLIN | POLLERR | POLLHUP)))
			return;
		w = send(fd, p, n, MSG_NOSIGNAL);
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

static AFX_UNUSED int afx_recv_all(int fd, struct ps_buf *in)
{
	char buf[65536];

	for (;;) {
		struct pollfd pf = {fd, POLLIN, 0};
		ssize_t n;

		if (poll(&pf, 1, 30000) <= 0)
			return -1;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n == 0 || (n < 0 && errno == ECONNRESET))
			return 0;
		if (n < 0)
			return -1;
		if (ps_buf_add(in, buf, (size_t)n) != PS_OK)
			return -1;
	}
}

/* Decode a chunked body in place; its new length. */
static AFX_UNUSED size_t afx_dechunk(char *b, size_t n)
{
	size_t in = 0, out = 0;

	while (in < n) {
		char *end;
		unsigned long len = strtoul(b + in, &end, 16);
		char *nl = strstr(end, "\r\n");

		if (nl == NULL || len == 0)
			break;
		in = (size_t)(nl + 2 - b);
		if (len > n - in)
			len = n - in;
		memmove(b + out, b + in, len);
		out += len;
		in += len + 2;
	}
	b[out] = '\0';
	return out;
}

static AFX_UNUSED int afx_parse(struct ps_buf *in, struct afx_resp *r)
{
	const char *t = ps_buf_cstr(in), *sep = strstr(t, "\r\n\r\n");
	char te[64];

	if (sep == NULL || sscanf(t, "HTTP/1.%*d %u", &r->status) != 1)
		return -1;
	r->headers = ps_strndup(PS_MEM_TEST, t, (size_t)(sep - t) + 2);
	r->body_len = in->len - (size_t)(sep + 4 - t);
	r->body = ps_malloc(PS_MEM_TEST, r->body_len + 1);
	if (r->headers == NULL || r->body == NULL)
		return -1;
	memcpy(r->body, sep + 4, r->body_len);
	r->body[r->body_len] = '\0';
	if (afx_header(r, "Transfer-Encoding", te, sizeof(te)) && strcasecmp(te, "chunked") == 0)
		r->body_len = afx_dechunk(r->body, r->body_len);
	r->json = json_loadb(r->body, r->body_len, 0, NULL);
	return 0;
}

/*
 * One request on a new connection (Connection: close): `len` bytes of
 * `body` (NULL: none), `headers` "Name: value" lines (NULL-terminated, may
 * be NULL; a JSON Content-Type is added for a body unless one is given).
 * 0, or -1 when the exchange failed; free r with afx_resp_free().
 */
static AFX_UNUSED int afx_req_n(struct afx *f, const char *method, const char *path,
				 const char *body, size_t len, const char *const *headers,
				 struct afx_resp *r)
{
	struct ps_buf out = PS_BUF_INIT(PS_MEM_TEST, 1 << 20);
	struct ps_buf in = PS_BUF_INIT(PS_MEM_TEST, (size_t)1 << 30);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)f->port)};
	bool ctype = false;
	int fd, rc = -1;

	memset(r, 0, sizeof(*r));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (ps_buf_addf(&out, "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nConnection: close\r\n",
			method, path, f->port) != PS_OK)
		goto out;
	for (size_t i = 0; headers != NULL && headers[i] != NULL; i++) {
		ctype |= strncasecmp(headers[i], "Content-Type:", 13) == 0;
		if (ps_buf_addf(&out, "%s\r\n", headers[i]) != PS_OK)
			goto out;
	}
	if (body != NULL && !ctype && ps_buf_addstr(&out, "Content-Type: application/json\r\n"))
		goto out;
	if ((body != NULL || strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0 ||
	     strcmp(method, "PATCH") == 0) &&
	    ps_buf_addf(&out, "Content-Length: %zu\r\n", body != NULL ? len : 0) != PS_OK)
		goto out;
	if (ps_buf_addstr(&out, "\r\n") != PS_OK)
		goto out;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto out;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		afx_send_all(fd, ps_buf_cstr(&out), out.len);
		if (body != NULL)
			afx_send_all(fd, body, len);
		if (afx_recv_all(fd, &in) == 0)
			rc = afx_parse(&in, r);
	}
	close(fd);
out:
	ps_buf_release(&out);
	ps_buf_release(&in);
	if (rc != 0)
		afx_resp_free(r);
	return rc;
}

static AFX_UNUSED int afx_req(struct afx *f, const char *method, const char *path,
			       const char *body, const char *const *headers,
			       struct afx_resp *r)
{
	return afx_req_n(f, method, path, body, body != NULL ? strlen(body) : 0, headers, r);
}

/* The error code of a JSON error answer, or "". */
static AFX_UNUSED const char *afx_err_code(const struct afx_resp *r)
{
	const char *c = json_string_value(json_object_get(json_object_get(r->json, "error"),
							  "code"));

	return c != NULL ? c : "";
}

/* ---- users and tokens ---- */

/*
 * A new user of `role` (units: comma-separated unit keys for unit owners,
 * else NULL) with password AFX_PASSWORD and an API token; returns the
 * "Authorization: Bearer <secret>" header (owned by the fixture). The
 * user's name is "<role>N" (N counts the fixture's users from 1); it is
 * written to name_out when not NULL (64 bytes).
 */
static AFX_UNUSED const char *afx_token_named(struct afx *f, enum ps_api_role role,
					      const char *units, char *name_out)
{
	char name[64], secret[PS_API_SECRET_LEN], *hdr;
	struct ps_diag d = {{0}};
	size_t n = sizeof("Authorization: Bearer ") + PS_API_SECRET_LEN;

	snprintf(name, sizeof(name), "%s%d", ps_api_role_name(role), ++f->nusers);
	for (char *p = name; *p; p++)
		if (*p == '_')
			*p = '-';
	if (name_out != NULL)
		snprintf(name_out, 64, "%s", name);
	if (ps_api_user_create(f->st, f->a, "test:fixture", name, AFX_PASSWORD, role, units,
			       NULL, NULL, &d) != PS_OK ||
	    ps_api_token_create(f->st, f->a, "test:fixture", name, "fixture", 0, secret, NULL,
				&d) != PS_OK)
		fail_msg("afx_token %s: %s", name, d.msg);
	assert_true(f->ntokens < AFX_MAX_TOKENS);
	hdr = ps_malloc(PS_MEM_TEST, n);
	assert_non_null(hdr);
	snprintf(hdr, n, "Authorization: Bearer %s", secret);
	f->tokens[f->ntokens++] = hdr;
	return hdr;
}

static AFX_UNUSED const char *afx_token(struct afx *f, enum ps_api_role role,
					const char *units)
{
	return afx_token_named(f, role, units, NULL);
}

#endif /* PS_TEST_API_FIXTURE_H */

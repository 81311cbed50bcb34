/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Routes of the REST API that need no login: the health check (store
 * reachable, schema version, uptime) and the OpenAPI document.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <jansson.h>

#include "api/api.h"
#include "core/core.h"
#include "store/store.h"

static unsigned get_health(struct ps_api_req *rq, struct ps_api_resp *rs)
{
	int64_t up = (ps_time_now_us() - ps_api_server_started(rq->srv)) / 1000000;
	int v = 0;

	if (ps_store_schema_version(rq->th->st, &v) != PS_OK)
		return ps_api_error(rs, PS_API_UNAVAILABLE, "the store does not answer");
	return ps_api_json(rs, 200, json_pack("{s:s,s:s,s:i,s:s,s:I}", "status", "ok",
					      "version", PANSHI_VERSION, "schema", v,
					      "backend", ps_store_backend_name(rq->th->st),
					      "uptime_s", (json_int_t)(up > 0 ? up : 0)));
}

static unsigned get_openapi(struct ps_api_req *rq, struct ps_api_resp *rs)
{
	(void)rq;
	return ps_api_json(rs, 200, ps_api_openapi());
}

const struct ps_api_route ps_api_routes_core[] = {
	{PS_API_GET, "/api/v1/health", PS_PERM_PUBLIC, get_health, "core",
	 "health of the server and its store", NULL, NULL, false},
	{PS_API_GET, "/api/v1/openapi.json", PS_PERM_PUBLIC, get_openapi, "core",
	 "this OpenAPI document", NULL, NULL, false},
	{0},
};

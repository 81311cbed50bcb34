/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Routes of the REST API: audit. Placeholder: the table is empty until its
 * handlers land.
 */
#include <stddef.h>

#include "api/api.h"
#include "core/core.h"

const struct ps_api_route ps_api_routes_audit[] = {
	{0},
};

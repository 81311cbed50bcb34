/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The parser list. Order matters for content probing: specific signatures
 * first, loose ones (line-based text protocols) last.
 */
#include <stddef.h>

#include "proto/parsers.h"

const struct ps_proto_parser *const ps_proto_parsers[] = {
	NULL
};

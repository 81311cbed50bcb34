/* SPDX-License-Identifier: Apache-2.0 */
/*
 * JSON values (jansson) of text that comes from traffic or the store and
 * may not be valid UTF-8, for every module that answers in JSON.
 */
#ifndef PS_CORE_JSON_H
#define PS_CORE_JSON_H

struct json_t;

/*
 * A JSON string of `s` (a new reference): invalid UTF-8 bytes become
 * U+FFFD, one per byte, instead of failing; NULL gives JSON null. NULL
 * only when out of memory.
 */
struct json_t *ps_json_text(const char *s);

#endif

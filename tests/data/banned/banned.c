/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Compiled by the banned_* CTest tests with -DUSE_<name>: each call below
 * must be rejected by core/banned.h; with no USE_ macro it must compile.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/core.h"

int use(char *dst, const char *src, time_t *t);

int use(char *dst, const char *src, time_t *t)
{
	int n = 0;
	char *p = NULL;

	(void)p;
	(void)t;
#ifdef USE_strcpy
	strcpy(dst, src);
#endif
#ifdef USE_sprintf
	n = sprintf(dst, "%s", src);
#endif
#ifdef USE_atoi
	n = atoi(src);
#endif
#ifdef USE_gmtime
	n = gmtime(t) != NULL;
#endif
#ifdef USE_strtok
	n = strtok(dst, src) != NULL;
#endif
#ifdef USE_rand
	n = rand();
#endif
#ifdef USE_malloc
	p = malloc(16);
#endif
#ifdef USE_free
	free(dst);
#endif
	snprintf(dst, 8, "%s", src);
	return n;
}

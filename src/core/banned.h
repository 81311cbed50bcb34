/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Functions Panshi code must not call, turned into compile errors (the idea
 * is git's banned.h). Each has a bounded or thread-safe replacement:
 * strcpy/strcat/sprintf -> snprintf or struct ps_buf; strtok -> strtok_r or
 * a slice scanner; atoi/atol/atof -> strtol/strtod with checks; gmtime,
 * localtime, ctime, asctime -> the _r forms in core/timeutil; rand ->
 * ps_random_bytes; mktemp -> mkstemp; raw malloc/free -> core/alloc.h.
 */
#ifndef PS_CORE_BANNED_H
#define PS_CORE_BANNED_H

#define PS_BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) PS_BANNED(strcpy)
#undef strcat
#define strcat(x, y) PS_BANNED(strcat)
#undef sprintf
#define sprintf(...) PS_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) PS_BANNED(vsprintf)
#undef gets
#define gets(x) PS_BANNED(gets)
#undef strtok
#define strtok(x, y) PS_BANNED(strtok)
#undef atoi
#define atoi(x) PS_BANNED(atoi)
#undef atol
#define atol(x) PS_BANNED(atol)
#undef atof
#define atof(x) PS_BANNED(atof)
#undef gmtime
#define gmtime(x) PS_BANNED(gmtime)
#undef localtime
#define localtime(x) PS_BANNED(localtime)
#undef ctime
#define ctime(x) PS_BANNED(ctime)
#undef asctime
#define asctime(x) PS_BANNED(asctime)
#undef rand
#define rand() PS_BANNED(rand)
#undef mktemp
#define mktemp(x) PS_BANNED(mktemp)
#undef malloc
#define malloc(x) PS_BANNED(malloc)
#undef calloc
#define calloc(x, y) PS_BANNED(calloc)
#undef realloc
#define realloc(x, y) PS_BANNED(realloc)
#undef strdup
#define strdup(x) PS_BANNED(strdup)
#undef free
#define free(x) PS_BANNED(free)

#endif

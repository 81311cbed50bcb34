/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Public header of the core module: errors, allocation, containers, logging,
 * counters, time, crypto, configuration tables and the message catalogue.
 * Include it after system headers: it ends with the banned-function list.
 */
#ifndef PS_CORE_H
#define PS_CORE_H

#include "core/err.h"
#include "core/alloc.h"
#include "core/slice.h"
#include "core/buf.h"
#include "core/arena.h"
#include "core/vec.h"
#include "core/hashmap.h"
#include "core/log.h"
#include "core/counter.h"
#include "core/timeutil.h"
#include "core/crypto.h"
#include "core/conf.h"
#include "core/i18n.h"
#include "core/text.h"
#include "core/fileio.h"
#include "core/jsonw.h"
#include "core/json.h"

#define PS_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#ifndef PS_ALLOC_INTERNAL
#include "core/banned.h"
#endif

#endif

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Threat intelligence for analyze and sensor: the generation the engine
 * matches against, and the sensor's reloader (SIGHUP, `panshi intel reload`).
 */
#ifndef PS_CLI_INTEL_LOAD_H
#define PS_CLI_INTEL_LOAD_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "intel/gen.h"

struct ps_cli;
struct ps_store_settings;

/* Meta key `panshi intel reload` writes (its time); sensors poll it. */
#define PS_INTEL_RELOAD_KEY "intel.reload_request"

struct ps_an_intel {
	struct ps_intel_holder holder;
	bool init, on;                 /* on: indicators are loaded */
	size_t indicators;
	unsigned reloads;
	/* the sensor's reloader */
	struct ps_cli *cli;
	const struct ps_store_settings *settings;
	pthread_t th;
	bool th_on;
	atomic_bool stop;
};

/*
 * Build the generation from the store (opened read-only for this when it
 * exists and analyze writes nothing there). ai->on says whether anything
 * was loaded; give the engine &ai->holder then. PS_OK or PS_EIO (printed).
 */
int ps_an_intel_load(struct ps_cli *cli, struct ps_an_intel *ai);
/* Sensor: rebuild on SIGHUP or a reload request, in a thread. */
int ps_an_intel_start_reloader(struct ps_cli *cli, struct ps_an_intel *ai);
/* Stop the reloader and drop the generation (after the engine is gone). */
void ps_an_intel_release(struct ps_an_intel *ai);

#endif

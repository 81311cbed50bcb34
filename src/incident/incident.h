/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The incident module's public header: the state machine, the national
 * event level and the legal clocks. Pure functions over facts and policy;
 * the store-backed incidents of issue 6 build on them.
 */
#ifndef PS_INCIDENT_H
#define PS_INCIDENT_H

#include "incident/state.h"
#include "incident/level.h"
#include "incident/clock.h"

#endif

/* SPDX-License-Identifier: Apache-2.0 */
#include "policy/policy.h"
#include "core/core.h"
int ps_policy_placeholder(void);
int ps_policy_placeholder(void) { return 0; }

/* SPDX-License-Identifier: Apache-2.0 */
/* Placeholder until the policy work lands. */
#ifndef PS_POLICY_H
#define PS_POLICY_H
#endif

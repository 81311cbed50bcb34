/* SPDX-License-Identifier: Apache-2.0 */
/* Placeholder: filled in by the counter work. */
#ifndef PS_CORE_COUNTER_H
#define PS_CORE_COUNTER_H
#endif

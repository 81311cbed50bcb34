/* SPDX-License-Identifier: Apache-2.0 */
/* Placeholder: filled in by the timeutil work. */
#ifndef PS_CORE_TIMEUTIL_H
#define PS_CORE_TIMEUTIL_H
#endif

/* SPDX-License-Identifier: Apache-2.0 */
/* Placeholder: filled in by the log work. */
#ifndef PS_CORE_LOG_H
#define PS_CORE_LOG_H
#endif

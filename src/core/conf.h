/* SPDX-License-Identifier: Apache-2.0 */
/* Placeholder: filled in by the conf work. */
#ifndef PS_CORE_CONF_H
#define PS_CORE_CONF_H
#endif

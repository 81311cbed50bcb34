/* SPDX-License-Identifier: Apache-2.0 */
/* Placeholder: filled in by the buf work. */
#ifndef PS_CORE_BUF_H
#define PS_CORE_BUF_H
#endif

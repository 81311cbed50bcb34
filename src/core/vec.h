/* SPDX-License-Identifier: Apache-2.0 */
/* Placeholder: filled in by the vec work. */
#ifndef PS_CORE_VEC_H
#define PS_CORE_VEC_H
#endif

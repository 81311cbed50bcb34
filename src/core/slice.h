/* SPDX-License-Identifier: Apache-2.0 */
/* Placeholder: filled in by the slice work. */
#ifndef PS_CORE_SLICE_H
#define PS_CORE_SLICE_H
#endif

/* SPDX-License-Identifier: Apache-2.0 */
/* Placeholder: filled in by the arena work. */
#ifndef PS_CORE_ARENA_H
#define PS_CORE_ARENA_H
#endif

/* SPDX-License-Identifier: Apache-2.0 */
/* Placeholder: filled in by the hashmap work. */
#ifndef PS_CORE_HASHMAP_H
#define PS_CORE_HASHMAP_H
#endif

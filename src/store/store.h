/* SPDX-License-Identifier: Apache-2.0 */
#ifndef PS_STORE_H
#define PS_STORE_H
#endif

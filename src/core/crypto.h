/* SPDX-License-Identifier: Apache-2.0 */
/* Placeholder: filled in by the crypto work. */
#ifndef PS_CORE_CRYPTO_H
#define PS_CORE_CRYPTO_H
#endif

/* SPDX-License-Identifier: Apache-2.0 */
/* Placeholder: filled in by the i18n work. */
#ifndef PS_CORE_I18N_H
#define PS_CORE_I18N_H
#endif

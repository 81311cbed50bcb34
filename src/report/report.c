/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Placeholder so the module builds until the report code lands. It holds
 * no code.
 */
#include "core/core.h"

int ps_report_placeholder_(void);
int ps_report_placeholder_(void)
{
	return 0;
}

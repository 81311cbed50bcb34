/* SPDX-License-Identifier: Apache-2.0 */
/* Placeholder until the cli work lands. */
#include <stdio.h>
#include "cli/cli.h"
#include "core/core.h"

int ps_cli_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("panshi %s\n", PANSHI_VERSION);
	return 0;
}

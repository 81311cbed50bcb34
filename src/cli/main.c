/* SPDX-License-Identifier: Apache-2.0 */
/* Entry point of the panshi executable; all work is in the cli module. */
#include "cli/cli.h"

int main(int argc, char **argv)
{
	return ps_cli_main(argc, argv);
}

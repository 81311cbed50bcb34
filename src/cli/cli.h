/* SPDX-License-Identifier: Apache-2.0 */
/* Placeholder until the cli work lands. */
#ifndef PS_CLI_H
#define PS_CLI_H
int ps_cli_main(int argc, char **argv);
#endif

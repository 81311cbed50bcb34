/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The parser list, in probing order: parsers with strict binary
 * signatures first, loose ones (Modbus, line-based text protocols) last.
 * A parser registered for the flow's server port is tried before any
 * other (engine/engine.c), so FTP and POP3, whose probes both accept
 * "USER ", are told apart by port first.
 */
#include <stddef.h>

#include "proto/parsers.h"

const struct ps_proto_parser *const ps_proto_parsers[] = {
	&ps_proto_dns,
	&ps_proto_tls,
	&ps_proto_http,
	&ps_proto_ssh,
	&ps_proto_s7comm,
	&ps_proto_dnp3,
	&ps_proto_iec104,
	&ps_proto_bacnet,
	&ps_proto_modbus,
	&ps_proto_ftp_data,
	&ps_proto_smtp,
	&ps_proto_ftp,
	&ps_proto_pop3,
	&ps_proto_imap,
	&ps_proto_telnet,
	NULL
};

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Every parser's descriptor, defined in its own proto/<name>.c. Tests and
 * fuzz targets reach a parser through these.
 */
#ifndef PS_PROTO_PARSERS_H
#define PS_PROTO_PARSERS_H

#include "proto/proto.h"

extern const struct ps_proto_parser ps_proto_dns;
extern const struct ps_proto_parser ps_proto_http;
extern const struct ps_proto_parser ps_proto_tls;
extern const struct ps_proto_parser ps_proto_ssh;
extern const struct ps_proto_parser ps_proto_smtp;
extern const struct ps_proto_parser ps_proto_pop3;
extern const struct ps_proto_parser ps_proto_imap;
extern const struct ps_proto_parser ps_proto_ftp;
extern const struct ps_proto_parser ps_proto_ftp_data;
extern const struct ps_proto_parser ps_proto_telnet;
extern const struct ps_proto_parser ps_proto_modbus;
extern const struct ps_proto_parser ps_proto_s7comm;
extern const struct ps_proto_parser ps_proto_dnp3;
extern const struct ps_proto_parser ps_proto_iec104;
extern const struct ps_proto_parser ps_proto_bacnet;

#endif

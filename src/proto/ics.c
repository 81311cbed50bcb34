/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared machinery of the ICS parsers: the bounded stream reassembler that
 * cuts TCP chunks into PDUs, and the vocabulary table naming every function
 * code and marking the dangerous ones, which the detectors reuse.
 */
#include <string.h>

#include "core/core.h"
#include "proto/ics.h"

#define MB PS_ALPROTO_MODBUS
#define S7 PS_ALPROTO_S7COMM
#define DN PS_ALPROTO_DNP3
#define IE PS_ALPROTO_IEC104
#define BA PS_ALPROTO_BACNET

#define F PS_ICS_SPACE_FUNC
#define W PS_ICS_DANGER_WRITE
#define STOP PS_ICS_DANGER_STOP
#define RST PS_ICS_DANGER_RESTART
#define FW PS_ICS_DANGER_FIRMWARE
#define PRG PS_ICS_DANGER_PROGRAM
#define PRD PS_ICS_DANGER_PROGRAM_READ
#define CTL PS_ICS_DANGER_CONTROL
#define DIA PS_ICS_DANGER_DIAGNOSTIC

static const char *const danger_names[PS_ICS_DANGER__COUNT] = {
	[PS_ICS_DANGER_WRITE] = "write",
	[PS_ICS_DANGER_STOP] = "stop",
	[PS_ICS_DANGER_RESTART] = "restart",
	[PS_ICS_DANGER_FIRMWARE] = "firmware",
	[PS_ICS_DANGER_PROGRAM] = "program",
	[PS_ICS_DANGER_PROGRAM_READ] = "program_read",
	[PS_ICS_DANGER_CONTROL] = "control",
	[PS_ICS_DANGER_DIAGNOSTIC] = "diagnostic",
};

/*
 * The vocabulary, sorted by (proto, space, code); test_modbus.c checks the
 * order. Sources: Modbus Application Protocol V1.1b3 §6 and the Modicon
 * PI-MBUS-300 legacy codes; Schneider UMAS as documented by public research;
 * Wireshark's s7comm dissector names; IEEE 1815-2012 table 4-1 (DNP3,
 * Suricata's spellings); IEC 60870-5-101/104 §7.2.1 type identifications;
 * ANSI/ASHRAE 135 clause 21 (BACnet services) and annex J (BVLL).
 */
const struct ps_ics_op ps_ics_ops[] = {
	/* Modbus function codes */
	{MB, F, 1, "read_coils", 0},
	{MB, F, 2, "read_discrete_inputs", 0},
	{MB, F, 3, "read_holding_registers", 0},
	{MB, F, 4, "read_input_registers", 0},
	{MB, F, 5, "write_single_coil", W},
	{MB, F, 6, "write_single_register", W},
	{MB, F, 7, "read_exception_status", 0},
	{MB, F, 8, "diagnostics", DIA},
	{MB, F, 9, "program_484", PRG},
	{MB, F, 10, "poll_484", 0},
	{MB, F, 11, "get_comm_event_counter", 0},
	{MB, F, 12, "get_comm_event_log", 0},
	{MB, F, 13, "program_controller", PRG},
	{MB, F, 14, "poll_controller", 0},
	{MB, F, 15, "write_multiple_coils", W},
	{MB, F, 16, "write_multiple_registers", W},
	{MB, F, 17, "report_server_id", 0},
	{MB, F, 18, "program_884_m84", PRG},
	{MB, F, 19, "reset_comm_link", RST},
	{MB, F, 20, "read_file_record", 0},
	{MB, F, 21, "write_file_record", W},
	{MB, F, 22, "mask_write_register", W},
	{MB, F, 23, "read_write_multiple_registers", W},
	{MB, F, 24, "read_fifo_queue", 0},
	{MB, F, 40, "program_concept", PRG},
	{MB, F, 43, "encapsulated_interface_transport", 0},
	{MB, F, 90, "umas", 0},
	{MB, F, 125, "firmware_replacement", FW},
	{MB, F, 126, "program_584_984", PRG},
	{MB, F, 127, "report_local_address", 0},
	/* Modbus FC 8 sub-functions */
	{MB, PS_ICS_SPACE_MODBUS_DIAG, 0, "return_query_data", DIA},
	{MB, PS_ICS_SPACE_MODBUS_DIAG, 1, "restart_comm_option", RST},
	{MB, PS_ICS_SPACE_MODBUS_DIAG, 2, "return_diagnostic_register", DIA},
	{MB, PS_ICS_SPACE_MODBUS_DIAG, 3, "change_ascii_input_delimiter", DIA},
	{MB, PS_ICS_SPACE_MODBUS_DIAG, 4, "force_listen_only_mode", STOP},
	{MB, PS_ICS_SPACE_MODBUS_DIAG, 10, "clear_counters_and_diagnostic_register", DIA},
	{MB, PS_ICS_SPACE_MODBUS_DIAG, 11, "return_bus_message_count", DIA},
	{MB, PS_ICS_SPACE_MODBUS_DIAG, 12, "return_bus_comm_error_count", DIA},
	{MB, PS_ICS_SPACE_MODBUS_DIAG, 13, "return_bus_exception_error_count", DIA},
	{MB, PS_ICS_SPACE_MODBUS_DIAG, 14, "return_server_message_count", DIA},
	{MB, PS_ICS_SPACE_MODBUS_DIAG, 15, "return_server_no_response_count", DIA},
	{MB, PS_ICS_SPACE_MODBUS_DIAG, 16, "return_server_nak_count", DIA},
	{MB, PS_ICS_SPACE_MODBUS_DIAG, 17, "return_server_busy_count", DIA},
	{MB, PS_ICS_SPACE_MODBUS_DIAG, 18, "return_bus_character_overrun_count", DIA},
	{MB, PS_ICS_SPACE_MODBUS_DIAG, 19, "return_iop_overrun_count", DIA},
	{MB, PS_ICS_SPACE_MODBUS_DIAG, 20, "clear_overrun_counter_and_flag", DIA},
	{MB, PS_ICS_SPACE_MODBUS_DIAG, 21, "get_clear_modbus_plus_statistics", DIA},
	/* Schneider UMAS (Modbus FC 90); "upload" is engineering PC -> PLC */
	{MB, PS_ICS_SPACE_MODBUS_UMAS, 0x01, "umas_init_comm", 0},
	{MB, PS_ICS_SPACE_MODBUS_UMAS, 0x02, "umas_read_id", 0},
	{MB, PS_ICS_SPACE_MODBUS_UMAS, 0x03, "umas_read_project_info", 0},
	{MB, PS_ICS_SPACE_MODBUS_UMAS, 0x04, "umas_read_plc_info", 0},
	{MB, PS_ICS_SPACE_MODBUS_UMAS, 0x06, "umas_read_card_info", 0},
	{MB, PS_ICS_SPACE_MODBUS_UMAS, 0x0a, "umas_repeat", 0},
	{MB, PS_ICS_SPACE_MODBUS_UMAS, 0x10, "umas_take_plc_reservation", CTL},
	{MB, PS_ICS_SPACE_MODBUS_UMAS, 0x11, "umas_release_plc_reservation", 0},
	{MB, PS_ICS_SPACE_MODBUS_UMAS, 0x12, "umas_keep_alive", 0},
	{MB, PS_ICS_SPACE_MODBUS_UMAS, 0x20, "umas_read_memory_block", 0},
	{MB, PS_ICS_SPACE_MODBUS_UMAS, 0x22, "umas_read_variables", 0},
	{MB, PS_ICS_SPACE_MODBUS_UMAS, 0x23, "umas_write_variables", W},
	{MB, PS_ICS_SPACE_MODBUS_UMAS, 0x24, "umas_read_coils_registers", 0},
	{MB, PS_ICS_SPACE_MODBUS_UMAS, 0x25, "umas_write_coils_registers", W},
	{MB, PS_ICS_SPACE_MODBUS_UMAS, 0x30, "umas_initialize_upload", PRG},
	{MB, PS_ICS_SPACE_MODBUS_UMAS, 0x31, "umas_upload_block", PRG},
	{MB, PS_ICS_SPACE_MODBUS_UMAS, 0x32, "umas_end_upload", PRG},
	{MB, PS_ICS_SPACE_MODBUS_UMAS, 0x33, "umas_initialize_download", PRD},
	{MB, PS_ICS_SPACE_MODBUS_UMAS, 0x34, "umas_download_block", PRD},
	{MB, PS_ICS_SPACE_MODBUS_UMAS, 0x35, "umas_end_download", PRD},
	{MB, PS_ICS_SPACE_MODBUS_UMAS, 0x39, "umas_read_ethernet_master_data", 0},
	{MB, PS_ICS_SPACE_MODBUS_UMAS, 0x40, "umas_start_plc", RST},
	{MB, PS_ICS_SPACE_MODBUS_UMAS, 0x41, "umas_stop_plc", STOP},
	{MB, PS_ICS_SPACE_MODBUS_UMAS, 0x50, "umas_monitor_plc", 0},
	{MB, PS_ICS_SPACE_MODBUS_UMAS, 0x58, "umas_check_plc", 0},
	{MB, PS_ICS_SPACE_MODBUS_UMAS, 0x70, "umas_read_io_object", 0},
	{MB, PS_ICS_SPACE_MODBUS_UMAS, 0x71, "umas_write_io_object", W},
	{MB, PS_ICS_SPACE_MODBUS_UMAS, 0x73, "umas_get_status_module", 0},
	{MB, PS_ICS_SPACE_MODBUS_UMAS, 0xfd, "umas_response_error", 0},
	{MB, PS_ICS_SPACE_MODBUS_UMAS, 0xfe, "umas_response_ok", 0},

	/* S7comm job functions */
	{S7, F, 0x00, "cpu_services", 0},
	{S7, F, 0x04, "read_var", 0},
	{S7, F, 0x05, "write_var", W},
	{S7, F, 0x1a, "request_download", PRG},
	{S7, F, 0x1b, "download_block", PRG},
	{S7, F, 0x1c, "download_ended", PRG},
	{S7, F, 0x1d, "start_upload", PRD},
	{S7, F, 0x1e, "upload", PRD},
	{S7, F, 0x1f, "end_upload", PRD},
	{S7, F, 0x28, "pi_service", 0},
	{S7, F, 0x29, "plc_stop", STOP},
	{S7, F, 0xf0, "setup_communication", 0},
	/* S7comm userdata: function group << 8 | subfunction */
	{S7, PS_ICS_SPACE_S7_USERDATA, 0x0000, "mode_stop", 0},
	{S7, PS_ICS_SPACE_S7_USERDATA, 0x0001, "mode_warm_restart", 0},
	{S7, PS_ICS_SPACE_S7_USERDATA, 0x0002, "mode_run", 0},
	{S7, PS_ICS_SPACE_S7_USERDATA, 0x0003, "mode_hot_restart", 0},
	{S7, PS_ICS_SPACE_S7_USERDATA, 0x0004, "mode_hold", 0},
	{S7, PS_ICS_SPACE_S7_USERDATA, 0x0006, "mode_cold_restart", 0},
	{S7, PS_ICS_SPACE_S7_USERDATA, 0x0009, "mode_run_r", 0},
	{S7, PS_ICS_SPACE_S7_USERDATA, 0x000b, "mode_link_up", 0},
	{S7, PS_ICS_SPACE_S7_USERDATA, 0x000c, "mode_update", 0},
	{S7, PS_ICS_SPACE_S7_USERDATA, 0x0101, "request_diag_data_type1", 0},
	{S7, PS_ICS_SPACE_S7_USERDATA, 0x0102, "vartab", 0},
	{S7, PS_ICS_SPACE_S7_USERDATA, 0x010c, "erase", PRG},
	{S7, PS_ICS_SPACE_S7_USERDATA, 0x010e, "read_diag_data", 0},
	{S7, PS_ICS_SPACE_S7_USERDATA, 0x010f, "remove_diag_data", 0},
	{S7, PS_ICS_SPACE_S7_USERDATA, 0x0110, "forces", W},
	{S7, PS_ICS_SPACE_S7_USERDATA, 0x0113, "request_diag_data_type2", 0},
	{S7, PS_ICS_SPACE_S7_USERDATA, 0x0201, "cyclic_memory", 0},
	{S7, PS_ICS_SPACE_S7_USERDATA, 0x0204, "cyclic_unsubscribe", 0},
	{S7, PS_ICS_SPACE_S7_USERDATA, 0x0205, "cyclic_memory_changed", 0},
	{S7, PS_ICS_SPACE_S7_USERDATA, 0x0301, "list_blocks", 0},
	{S7, PS_ICS_SPACE_S7_USERDATA, 0x0302, "list_blocks_of_type", 0},
	{S7, PS_ICS_SPACE_S7_USERDATA, 0x0303, "get_block_info", 0},
	{S7, PS_ICS_SPACE_S7_USERDATA, 0x0401, "read_szl", 0},
	{S7, PS_ICS_SPACE_S7_USERDATA, 0x0402, "message_service", 0},
	{S7, PS_ICS_SPACE_S7_USERDATA, 0x0403, "diagnostic_message", 0},
	{S7, PS_ICS_SPACE_S7_USERDATA, 0x0405, "alarm8_indication", 0},
	{S7, PS_ICS_SPACE_S7_USERDATA, 0x0406, "notify_indication", 0},
	{S7, PS_ICS_SPACE_S7_USERDATA, 0x0407, "alarm8_lock", 0},
	{S7, PS_ICS_SPACE_S7_USERDATA, 0x0408, "alarm8_unlock", 0},
	{S7, PS_ICS_SPACE_S7_USERDATA, 0x0409, "scan_indication", 0},
	{S7, PS_ICS_SPACE_S7_USERDATA, 0x040b, "alarms_ack", 0},
	{S7, PS_ICS_SPACE_S7_USERDATA, 0x040c, "alarm_ack_indication", 0},
	{S7, PS_ICS_SPACE_S7_USERDATA, 0x040d, "alarm8_lock_indication", 0},
	{S7, PS_ICS_SPACE_S7_USERDATA, 0x040e, "alarm8_unlock_indication", 0},
	{S7, PS_ICS_SPACE_S7_USERDATA, 0x0411, "alarm_sq_indication", 0},
	{S7, PS_ICS_SPACE_S7_USERDATA, 0x0412, "alarm_s_indication", 0},
	{S7, PS_ICS_SPACE_S7_USERDATA, 0x0413, "alarm_query", 0},
	{S7, PS_ICS_SPACE_S7_USERDATA, 0x0416, "notify8_indication", 0},
	{S7, PS_ICS_SPACE_S7_USERDATA, 0x0501, "plc_password", 0},
	{S7, PS_ICS_SPACE_S7_USERDATA, 0x0502, "clear_password", 0},
	{S7, PS_ICS_SPACE_S7_USERDATA, 0x0601, "pbc_bsend_brecv", 0},
	{S7, PS_ICS_SPACE_S7_USERDATA, 0x0701, "read_clock", 0},
	{S7, PS_ICS_SPACE_S7_USERDATA, 0x0702, "set_clock", 0},
	{S7, PS_ICS_SPACE_S7_USERDATA, 0x0703, "read_clock_following", 0},
	{S7, PS_ICS_SPACE_S7_USERDATA, 0x0704, "set_clock_2", 0},
	/*
	 * S7comm PI services, found by name (codes only order them). _INSE
	 * activates a downloaded block and _DELE deletes one: program
	 * changes. P_PROGRAM in a PI job starts the CPU (hot or cold).
	 */
	{S7, PS_ICS_SPACE_S7_PI, 1, "_DELE", PRG},
	{S7, PS_ICS_SPACE_S7_PI, 2, "_GARB", CTL},
	{S7, PS_ICS_SPACE_S7_PI, 3, "_INSE", PRG},
	{S7, PS_ICS_SPACE_S7_PI, 4, "_MODU", PRG},
	{S7, PS_ICS_SPACE_S7_PI, 5, "P_PROGRAM", RST},
	{S7, PS_ICS_SPACE_S7_PI, 6, "_N_F_DELE", PRG},
	{S7, PS_ICS_SPACE_S7_PI, 7, "_N_F_OPEN", 0},
	{S7, PS_ICS_SPACE_S7_PI, 8, "_N_LOGIN_", 0},
	{S7, PS_ICS_SPACE_S7_PI, 9, "_N_LOGOUT", 0},
	{S7, PS_ICS_SPACE_S7_PI, 10, "_N_NEWPWD", CTL},

	/* DNP3 application function codes */
	{DN, F, 0, "confirm", 0},
	{DN, F, 1, "read", 0},
	{DN, F, 2, "write", W},
	{DN, F, 3, "select", W},
	{DN, F, 4, "operate", W},
	{DN, F, 5, "direct_operate", W},
	{DN, F, 6, "direct_operate_nr", W},
	{DN, F, 7, "immed_freeze", CTL},
	{DN, F, 8, "immed_freeze_nr", CTL},
	{DN, F, 9, "freeze_clear", CTL},
	{DN, F, 10, "freeze_clear_nr", CTL},
	{DN, F, 11, "freeze_at_time", CTL},
	{DN, F, 12, "freeze_at_time_nr", CTL},
	{DN, F, 13, "cold_restart", RST},
	{DN, F, 14, "warm_restart", RST},
	{DN, F, 15, "initialize_data", RST},
	{DN, F, 16, "initialize_appl", RST},
	{DN, F, 17, "start_appl", RST},
	{DN, F, 18, "stop_appl", STOP},
	{DN, F, 19, "save_config", W},
	{DN, F, 20, "enable_unsolicited", CTL},
	{DN, F, 21, "disable_unsolicited", CTL},
	{DN, F, 22, "assign_class", CTL},
	{DN, F, 23, "delay_measure", 0},
	{DN, F, 24, "record_current_time", 0},
	{DN, F, 25, "open_file", FW},
	{DN, F, 26, "close_file", FW},
	{DN, F, 27, "delete_file", FW},
	{DN, F, 28, "get_file_info", 0},
	{DN, F, 29, "authenticate_file", FW},
	{DN, F, 30, "abort_file", FW},
	{DN, F, 31, "activate_config", PRG},
	{DN, F, 32, "authenticate_req", 0},
	{DN, F, 33, "authenticate_err", 0},
	{DN, F, 129, "response", 0},
	{DN, F, 130, "unsolicited_response", 0},
	{DN, F, 131, "authenticate_resp", 0},

	/* IEC 60870-5-104 ASDU type identifications */
	{IE, F, 1, "M_SP_NA_1", 0},
	{IE, F, 2, "M_SP_TA_1", 0},
	{IE, F, 3, "M_DP_NA_1", 0},
	{IE, F, 4, "M_DP_TA_1", 0},
	{IE, F, 5, "M_ST_NA_1", 0},
	{IE, F, 6, "M_ST_TA_1", 0},
	{IE, F, 7, "M_BO_NA_1", 0},
	{IE, F, 8, "M_BO_TA_1", 0},
	{IE, F, 9, "M_ME_NA_1", 0},
	{IE, F, 10, "M_ME_TA_1", 0},
	{IE, F, 11, "M_ME_NB_1", 0},
	{IE, F, 12, "M_ME_TB_1", 0},
	{IE, F, 13, "M_ME_NC_1", 0},
	{IE, F, 14, "M_ME_TC_1", 0},
	{IE, F, 15, "M_IT_NA_1", 0},
	{IE, F, 16, "M_IT_TA_1", 0},
	{IE, F, 17, "M_EP_TA_1", 0},
	{IE, F, 18, "M_EP_TB_1", 0},
	{IE, F, 19, "M_EP_TC_1", 0},
	{IE, F, 20, "M_PS_NA_1", 0},
	{IE, F, 21, "M_ME_ND_1", 0},
	{IE, F, 30, "M_SP_TB_1", 0},
	{IE, F, 31, "M_DP_TB_1", 0},
	{IE, F, 32, "M_ST_TB_1", 0},
	{IE, F, 33, "M_BO_TB_1", 0},
	{IE, F, 34, "M_ME_TD_1", 0},
	{IE, F, 35, "M_ME_TE_1", 0},
	{IE, F, 36, "M_ME_TF_1", 0},
	{IE, F, 37, "M_IT_TB_1", 0},
	{IE, F, 38, "M_EP_TD_1", 0},
	{IE, F, 39, "M_EP_TE_1", 0},
	{IE, F, 40, "M_EP_TF_1", 0},
	{IE, F, 41, "S_IT_TC_1", 0},
	{IE, F, 45, "C_SC_NA_1", W},
	{IE, F, 46, "C_DC_NA_1", W},
	{IE, F, 47, "C_RC_NA_1", W},
	{IE, F, 48, "C_SE_NA_1", W},
	{IE, F, 49, "C_SE_NB_1", W},
	{IE, F, 50, "C_SE_NC_1", W},
	{IE, F, 51, "C_BO_NA_1", W},
	{IE, F, 58, "C_SC_TA_1", W},
	{IE, F, 59, "C_DC_TA_1", W},
	{IE, F, 60, "C_RC_TA_1", W},
	{IE, F, 61, "C_SE_TA_1", W},
	{IE, F, 62, "C_SE_TB_1", W},
	{IE, F, 63, "C_SE_TC_1", W},
	{IE, F, 64, "C_BO_TA_1", W},
	{IE, F, 70, "M_EI_NA_1", 0},
	{IE, F, 100, "C_IC_NA_1", 0},
	{IE, F, 101, "C_CI_NA_1", 0},
	{IE, F, 102, "C_RD_NA_1", 0},
	{IE, F, 103, "C_CS_NA_1", 0},
	{IE, F, 104, "C_TS_NA_1", 0},
	{IE, F, 105, "C_RP_NA_1", RST},
	{IE, F, 106, "C_CD_NA_1", 0},
	{IE, F, 107, "C_TS_TA_1", 0},
	{IE, F, 110, "P_ME_NA_1", W},
	{IE, F, 111, "P_ME_NB_1", W},
	{IE, F, 112, "P_ME_NC_1", W},
	{IE, F, 113, "P_AC_NA_1", W},
	{IE, F, 120, "F_FR_NA_1", 0},
	{IE, F, 121, "F_SR_NA_1", 0},
	{IE, F, 122, "F_SC_NA_1", 0},
	{IE, F, 123, "F_LS_NA_1", 0},
	{IE, F, 124, "F_AF_NA_1", 0},
	{IE, F, 125, "F_SG_NA_1", 0},
	{IE, F, 126, "F_DR_TA_1", 0},
	{IE, F, 127, "F_SC_NB_1", 0},
	/* IEC 104 U-format functions (control octet 1) */
	{IE, PS_ICS_SPACE_IEC104_U, 0x07, "startdt_act", 0},
	{IE, PS_ICS_SPACE_IEC104_U, 0x0b, "startdt_con", 0},
	{IE, PS_ICS_SPACE_IEC104_U, 0x13, "stopdt_act", 0},
	{IE, PS_ICS_SPACE_IEC104_U, 0x23, "stopdt_con", 0},
	{IE, PS_ICS_SPACE_IEC104_U, 0x43, "testfr_act", 0},
	{IE, PS_ICS_SPACE_IEC104_U, 0x83, "testfr_con", 0},

	/* BACnet confirmed services */
	{BA, F, 0, "acknowledgeAlarm", 0},
	{BA, F, 1, "confirmedCOVNotification", 0},
	{BA, F, 2, "confirmedEventNotification", 0},
	{BA, F, 3, "getAlarmSummary", 0},
	{BA, F, 4, "getEnrollmentSummary", 0},
	{BA, F, 5, "subscribeCOV", 0},
	{BA, F, 6, "atomicReadFile", 0},
	{BA, F, 7, "atomicWriteFile", FW},
	{BA, F, 8, "addListElement", W},
	{BA, F, 9, "removeListElement", W},
	{BA, F, 10, "createObject", W},
	{BA, F, 11, "deleteObject", W},
	{BA, F, 12, "readProperty", 0},
	{BA, F, 13, "readPropertyConditional", 0},
	{BA, F, 14, "readPropertyMultiple", 0},
	{BA, F, 15, "writeProperty", W},
	{BA, F, 16, "writePropertyMultiple", W},
	{BA, F, 17, "deviceCommunicationControl", CTL},
	{BA, F, 18, "confirmedPrivateTransfer", 0},
	{BA, F, 19, "confirmedTextMessage", 0},
	{BA, F, 20, "reinitializeDevice", RST},
	{BA, F, 21, "vtOpen", 0},
	{BA, F, 22, "vtClose", 0},
	{BA, F, 23, "vtData", 0},
	{BA, F, 24, "authenticate", 0},
	{BA, F, 25, "requestKey", 0},
	{BA, F, 26, "readRange", 0},
	{BA, F, 27, "lifeSafetyOperation", CTL},
	{BA, F, 28, "subscribeCOVProperty", 0},
	{BA, F, 29, "getEventInformation", 0},
	{BA, F, 30, "subscribeCOVPropertyMultiple", 0},
	{BA, F, 31, "confirmedCOVNotificationMultiple", 0},
	{BA, F, 32, "confirmedAuditNotification", 0},
	{BA, F, 33, "auditLogQuery", 0},
	/* BACnet unconfirmed services */
	{BA, PS_ICS_SPACE_BACNET_UNCONFIRMED, 0, "i-am", 0},
	{BA, PS_ICS_SPACE_BACNET_UNCONFIRMED, 1, "i-have", 0},
	{BA, PS_ICS_SPACE_BACNET_UNCONFIRMED, 2, "unconfirmedCOVNotification", 0},
	{BA, PS_ICS_SPACE_BACNET_UNCONFIRMED, 3, "unconfirmedEventNotification", 0},
	{BA, PS_ICS_SPACE_BACNET_UNCONFIRMED, 4, "unconfirmedPrivateTransfer", 0},
	{BA, PS_ICS_SPACE_BACNET_UNCONFIRMED, 5, "unconfirmedTextMessage", 0},
	{BA, PS_ICS_SPACE_BACNET_UNCONFIRMED, 6, "timeSynchronization", 0},
	{BA, PS_ICS_SPACE_BACNET_UNCONFIRMED, 7, "who-has", 0},
	{BA, PS_ICS_SPACE_BACNET_UNCONFIRMED, 8, "who-is", 0},
	{BA, PS_ICS_SPACE_BACNET_UNCONFIRMED, 9, "utcTimeSynchronization", 0},
	{BA, PS_ICS_SPACE_BACNET_UNCONFIRMED, 10, "writeGroup", W},
	{BA, PS_ICS_SPACE_BACNET_UNCONFIRMED, 11, "unconfirmedCOVNotificationMultiple", 0},
	{BA, PS_ICS_SPACE_BACNET_UNCONFIRMED, 12, "unconfirmedAuditNotification", 0},
	{BA, PS_ICS_SPACE_BACNET_UNCONFIRMED, 13, "who-am-i", 0},
	{BA, PS_ICS_SPACE_BACNET_UNCONFIRMED, 14, "you-are", CTL},
	/* BACnet/IP BVLC functions (annex J.2) */
	{BA, PS_ICS_SPACE_BACNET_BVLC, 0x00, "bvlc_result", 0},
	{BA, PS_ICS_SPACE_BACNET_BVLC, 0x01, "write_bdt", CTL},
	{BA, PS_ICS_SPACE_BACNET_BVLC, 0x02, "read_bdt", 0},
	{BA, PS_ICS_SPACE_BACNET_BVLC, 0x03, "read_bdt_ack", 0},
	{BA, PS_ICS_SPACE_BACNET_BVLC, 0x04, "forwarded_npdu", 0},
	{BA, PS_ICS_SPACE_BACNET_BVLC, 0x05, "register_foreign_device", 0},
	{BA, PS_ICS_SPACE_BACNET_BVLC, 0x06, "read_fdt", 0},
	{BA, PS_ICS_SPACE_BACNET_BVLC, 0x07, "read_fdt_ack", 0},
	{BA, PS_ICS_SPACE_BACNET_BVLC, 0x08, "delete_fdt_entry", CTL},
	{BA, PS_ICS_SPACE_BACNET_BVLC, 0x09, "distribute_broadcast_to_network", 0},
	{BA, PS_ICS_SPACE_BACNET_BVLC, 0x0a, "original_unicast_npdu", 0},
	{BA, PS_ICS_SPACE_BACNET_BVLC, 0x0b, "original_broadcast_npdu", 0},
	{BA, PS_ICS_SPACE_BACNET_BVLC, 0x0c, "secure_bvll", 0},
	/* BACnet network layer messages (clause 6.2.4) */
	{BA, PS_ICS_SPACE_BACNET_NETWORK, 0x00, "who-is-router-to-network", 0},
	{BA, PS_ICS_SPACE_BACNET_NETWORK, 0x01, "i-am-router-to-network", 0},
	{BA, PS_ICS_SPACE_BACNET_NETWORK, 0x02, "i-could-be-router-to-network", 0},
	{BA, PS_ICS_SPACE_BACNET_NETWORK, 0x03, "reject-message-to-network", 0},
	{BA, PS_ICS_SPACE_BACNET_NETWORK, 0x04, "router-busy-to-network", 0},
	{BA, PS_ICS_SPACE_BACNET_NETWORK, 0x05, "router-available-to-network", 0},
	{BA, PS_ICS_SPACE_BACNET_NETWORK, 0x06, "initialize-routing-table", CTL},
	{BA, PS_ICS_SPACE_BACNET_NETWORK, 0x07, "initialize-routing-table-ack", 0},
	{BA, PS_ICS_SPACE_BACNET_NETWORK, 0x08, "establish-connection-to-network", 0},
	{BA, PS_ICS_SPACE_BACNET_NETWORK, 0x09, "disconnect-connection-to-network", 0},
	{BA, PS_ICS_SPACE_BACNET_NETWORK, 0x0a, "challenge-request", 0},
	{BA, PS_ICS_SPACE_BACNET_NETWORK, 0x0b, "security-payload", 0},
	{BA, PS_ICS_SPACE_BACNET_NETWORK, 0x0c, "security-response", 0},
	{BA, PS_ICS_SPACE_BACNET_NETWORK, 0x0d, "request-key-update", 0},
	{BA, PS_ICS_SPACE_BACNET_NETWORK, 0x0e, "update-key-set", 0},
	{BA, PS_ICS_SPACE_BACNET_NETWORK, 0x0f, "update-distribution-key", 0},
	{BA, PS_ICS_SPACE_BACNET_NETWORK, 0x10, "request-master-key", 0},
	{BA, PS_ICS_SPACE_BACNET_NETWORK, 0x11, "set-master-key", 0},
	{BA, PS_ICS_SPACE_BACNET_NETWORK, 0x12, "what-is-network-number", 0},
	{BA, PS_ICS_SPACE_BACNET_NETWORK, 0x13, "network-number-is", 0},
};

const size_t ps_ics_ops_len = PS_ARRAY_LEN(ps_ics_ops);

const char *ps_ics_danger_name(enum ps_ics_danger d)
{
	if ((unsigned)d >= PS_ICS_DANGER__COUNT)
		return NULL;
	return danger_names[d];
}

static int op_cmp(unsigned proto, unsigned space, unsigned code,
		  const struct ps_ics_op *op)
{
	if (proto != op->proto)
		return proto < op->proto ? -1 : 1;
	if (space != op->space)
		return space < op->space ? -1 : 1;
	if (code != op->code)
		return code < op->code ? -1 : 1;
	return 0;
}

const struct ps_ics_op *ps_ics_op_lookup(enum ps_alproto proto,
					 enum ps_ics_space space,
					 unsigned code)
{
	size_t lo = 0, hi = ps_ics_ops_len, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = op_cmp((unsigned)proto, (unsigned)space, code, &ps_ics_ops[mid]);
		if (c == 0)
			return &ps_ics_ops[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

const struct ps_ics_op *ps_ics_op_find_name(enum ps_alproto proto,
					    enum ps_ics_space space,
					    const void *name, size_t n)
{
	size_t i;

	for (i = 0; i < ps_ics_ops_len; i++) {
		const struct ps_ics_op *op = &ps_ics_ops[i];

		if (op->proto != proto || op->space != space)
			continue;
		if (strlen(op->name) == n && memcmp(op->name, name, n) == 0)
			return op;
	}
	return NULL;
}

void ps_ics_write_function(struct ps_jw *w, unsigned code, const char *name,
			   const char *fallback, enum ps_ics_danger d)
{
	const char *dn = ps_ics_danger_name(d);

	ps_jw_uint(w, "function_code", code);
	ps_jw_str(w, "function", name ? name : fallback);
	if (dn)
		ps_jw_str(w, "dangerous", dn);
}

void ps_ics_write_op(struct ps_jw *w, unsigned code, const struct ps_ics_op *op)
{
	ps_ics_write_function(w, code, op ? op->name : NULL, "unknown",
			      op ? (enum ps_ics_danger)op->danger :
			      PS_ICS_DANGER_NONE);
}

void ps_ics_write_bytes(struct ps_jw *w, const char *key, const uint8_t *p,
			size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char out[256 * 4];
	size_t i, o = 0;

	if (n > 256)
		n = 256;
	for (i = 0; i < n; i++) {
		if (p[i] >= 0x20 && p[i] < 0x7f) {
			out[o++] = (char)p[i];
			continue;
		}
		out[o++] = '\\';
		out[o++] = 'x';
		out[o++] = hex[p[i] >> 4];
		out[o++] = hex[p[i] & 15];
	}
	ps_jw_strn(w, key, out, o);
}

/* ---- reassembler ---- */

void ps_ics_reasm_init(struct ps_ics_reasm *r, uint8_t *buf, size_t cap)
{
	memset(r, 0, sizeof(*r));
	r->buf = buf;
	r->cap = (uint32_t)cap;
}

/*
 * A header did not parse. Without a sync pattern the stream is lost;
 * with one, drop a byte and hunt. The anomaly is counted once per
 * hunting episode. `dropped` gets how many input bytes to skip (0 when
 * the bad bytes were in the buffer).
 */
static int bad_header(struct ps_ics_reasm *r, const struct ps_ics_framing *f,
		      struct ps_proto_ctx *c, const char *why, bool in_buf,
		      size_t *dropped)
{
	const uint8_t *s;
	size_t k;

	*dropped = 0;
	if (!f->sync) {
		ps_proto_anomaly(c, r->hunting && f->resync_failed ?
				 f->resync_failed : why);
		return PS_EPROTO;
	}
	if (!r->hunting && why)
		ps_proto_anomaly(c, why);
	r->hunting = true;
	if (in_buf) {
		/* drop the first byte, then up to the next sync candidate */
		s = r->have > 1 ? memchr(r->buf + 1, f->sync[0], r->have - 1) : NULL;
		k = s ? (size_t)(s - r->buf) : r->have;
		memmove(r->buf, r->buf + k, r->have - k);
		r->have -= (uint32_t)k;
		r->need = 0;
	} else {
		k = 1;
		*dropped = 1;
	}
	r->garbage += (uint32_t)k;
	if (r->garbage > f->max_garbage) {
		if (f->resync_failed)
			ps_proto_anomaly(c, f->resync_failed);
		return PS_EPROTO;
	}
	return PS_OK;
}

static int deliver(struct ps_ics_reasm *r, const struct ps_ics_framing *f,
		   void *state, struct ps_proto_ctx *c, enum ps_dir dir,
		   const uint8_t *p, size_t kept, size_t wire)
{
	r->hunting = false;
	r->garbage = 0;
	if (kept < wire && f->truncated)
		ps_proto_anomaly(c, f->truncated);
	return f->pdu(state, c, dir, p, kept, wire);
}

/* Hunting with an empty buffer: skip input up to a sync candidate. */
static size_t hunt(struct ps_ics_reasm *r, const struct ps_ics_framing *f,
		   const uint8_t *p, size_t n)
{
	const uint8_t *s = memchr(p, f->sync[0], n);
	size_t k = s ? (size_t)(s - p) : n;

	r->garbage += (uint32_t)(k > UINT32_MAX - r->garbage ?
				 UINT32_MAX - r->garbage : k);
	return k;
}

/*
 * Start of a PDU with nothing buffered: frame it in place when the chunk
 * holds it whole. Returns bytes consumed (0: buffer it instead) or sets
 * *rc to an error.
 */
static size_t try_in_place(struct ps_ics_reasm *r,
			   const struct ps_ics_framing *f, void *state,
			   struct ps_proto_ctx *c, enum ps_dir dir,
			   const uint8_t *p, size_t n, int *rc)
{
	const char *why = NULL;
	size_t plen = 0, dropped;

	*rc = f->len(p, n, &plen, &why);
	if (*rc == PS_OK && plen < f->hdr_min)
		*rc = PS_EPROTO;
	if (*rc == PS_EPROTO) {
		*rc = bad_header(r, f, c, why, false, &dropped);
		return dropped;
	}
	if (*rc != PS_OK || plen > n) {
		*rc = PS_OK;
		return 0;
	}
	*rc = deliver(r, f, state, c, dir, p, plen < r->cap ? plen : r->cap,
		      plen);
	return plen;
}

/* Buffer header bytes until the PDU length is known. Returns bytes used. */
static size_t collect_header(struct ps_ics_reasm *r,
			     const struct ps_ics_framing *f,
			     struct ps_proto_ctx *c, const uint8_t *p,
			     size_t n, int *rc)
{
	size_t want, k, plen = 0, dropped;
	const char *why = NULL;

	*rc = PS_OK;
	want = r->have < f->hdr_min ? f->hdr_min - r->have : 1;
	k = want < n ? want : n;
	if (r->have + k > r->cap) {
		*rc = bad_header(r, f, c, f->truncated, true, &dropped);
		return 0;
	}
	memcpy(r->buf + r->have, p, k);
	r->have += (uint32_t)k;
	if (r->have < f->hdr_min)
		return k;
	*rc = f->len(r->buf, r->have, &plen, &why);
	if (*rc == PS_OK && (plen < f->hdr_min || plen < r->have))
		*rc = PS_EPROTO;
	if (*rc == PS_EAGAIN) {
		*rc = PS_OK;
		return k;
	}
	if (*rc == PS_EPROTO) {
		*rc = bad_header(r, f, c, why, true, &dropped);
		return k;
	}
	r->need = (uint32_t)(plen > UINT32_MAX ? UINT32_MAX : plen);
	return k;
}

int ps_ics_reasm_feed(struct ps_ics_reasm *r, const struct ps_ics_framing *f,
		      void *state, struct ps_proto_ctx *c, enum ps_dir dir,
		      const uint8_t *p, size_t n)
{
	size_t k, lim;
	uint32_t kept, wire;
	int rc = PS_OK;

	while (n > 0) {
		if (r->skip) {
			k = r->skip < n ? r->skip : n;
			r->skip -= (uint32_t)k;
			p += k;
			n -= k;
			continue;
		}
		if (r->have == 0 && r->hunting && f->sync) {
			k = hunt(r, f, p, n);
			p += k;
			n -= k;
			if (r->garbage > f->max_garbage) {
				if (f->resync_failed)
					ps_proto_anomaly(c, f->resync_failed);
				return PS_EPROTO;
			}
			if (n == 0)
				break;
		}
		if (r->need == 0) {
			k = 0;
			if (r->have == 0 && n >= f->hdr_min)
				k = try_in_place(r, f, state, c, dir, p, n, &rc);
			if (rc != PS_OK)
				return rc;
			if (k > 0) {
				p += k;
				n -= k;
				continue;
			}
			k = collect_header(r, f, c, p, n, &rc);
			if (rc != PS_OK)
				return rc;
			p += k;
			n -= k;
			continue;
		}
		/* the length is known: collect up to the cap, keep the head */
		lim = r->need < r->cap ? r->need : r->cap;
		k = lim - r->have < n ? lim - r->have : n;
		memcpy(r->buf + r->have, p, k);
		r->have += (uint32_t)k;
		p += k;
		n -= k;
		if (r->have < lim)
			break;
		kept = r->have;
		wire = r->need;
		r->skip = wire - kept;
		r->have = 0;
		r->need = 0;
		rc = deliver(r, f, state, c, dir, r->buf, kept, wire);
		if (rc != PS_OK)
			return rc;
	}
	return PS_OK;
}

bool ps_ics_reasm_gap(struct ps_ics_reasm *r, size_t n)
{
	bool lost = r->have > 0;

	if (r->skip) {
		if (n <= r->skip) {
			r->skip -= (uint32_t)n;
			return false;
		}
		r->skip = 0;
	} else if (r->need && n <= (size_t)(r->need - r->have)) {
		/* the hole is inside this PDU: drop it, keep the framing */
		r->skip = (uint32_t)(r->need - r->have - n);
		r->have = 0;
		r->need = 0;
		return true;
	}
	r->have = 0;
	r->need = 0;
	r->hunting = true;
	r->garbage = 0;
	return lost;
}

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The message catalogue as an X-macro list: PS_MSG(ID, "English", "中文"),
 * one line per message; core/i18n.h turns it into enum ps_msg_id and
 * core/i18n.c into the string tables. Append lines to add messages.
 *
 * Both texts must be non-empty (checked at compile time). A text may be a
 * printf format; then both languages must use the same conversions in the
 * same order (tests/unit/core/test_i18n.c checks it), because callers pass
 * one argument list to whichever text is current. Use full-width Chinese
 * punctuation in the Chinese text. No include guard: included repeatedly.
 */

/* status report */
PS_MSG(PS_MSG_STATUS_TITLE, "Panshi status", "磐石状态")
PS_MSG(PS_MSG_VERSION, "Version", "版本")
PS_MSG(PS_MSG_STORE, "Store", "存储")
PS_MSG(PS_MSG_BACKEND, "Backend", "后端")
PS_MSG(PS_MSG_SCHEMA_VERSION, "Schema version", "数据库结构版本")
PS_MSG(PS_MSG_POLICY, "Policy", "策略")
PS_MSG(PS_MSG_POLICY_VERSION, "Policy version", "策略版本")
PS_MSG(PS_MSG_DOCUMENTS, "Documents", "法规文件")
PS_MSG(PS_MSG_VALUES, "Values", "取值")
PS_MSG(PS_MSG_CONFIRMED, "Confirmed", "已确认")
PS_MSG(PS_MSG_UNVERIFIED, "Unverified", "未核实")
PS_MSG(PS_MSG_EVENTS, "Events", "事件")
PS_MSG(PS_MSG_CONFIG_FILE, "Configuration file", "配置文件")
PS_MSG(PS_MSG_LANGUAGE, "Language", "语言")
PS_MSG(PS_MSG_TIME_ZONE, "Time zone", "时区")
PS_MSG(PS_MSG_GENERATED_AT, "Generated at %s", "生成时间：%s")
/* generic words */
PS_MSG(PS_MSG_OK, "ok", "正常")
PS_MSG(PS_MSG_ERROR, "error", "错误")
PS_MSG(PS_MSG_WARNING, "warning", "警告")
PS_MSG(PS_MSG_YES, "yes", "是")
PS_MSG(PS_MSG_NO, "no", "否")
PS_MSG(PS_MSG_NONE, "none", "无")
PS_MSG(PS_MSG_UNKNOWN, "unknown", "未知")
/* command line */
PS_MSG(PS_MSG_USAGE, "usage: %s <command> [options]", "用法：%s <命令> [选项]")
PS_MSG(PS_MSG_HELP_HINT, "run '%s help' for a list of commands",
       "运行“%s help”查看命令列表")
PS_MSG(PS_MSG_ERR_CANNOT_OPEN, "cannot open '%s': %s", "无法打开“%s”：%s")
PS_MSG(PS_MSG_ERR_BAD_LANG, "unknown language '%s' in PANSHI_LANG, using zh-CN",
       "PANSHI_LANG 中的语言“%s”无法识别，使用 zh-CN")

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
PS_MSG(PS_MSG_DOCUMENTS, "Documents", "法规文件")
PS_MSG(PS_MSG_VALUES, "Values", "取值")
PS_MSG(PS_MSG_CONFIRMED, "Confirmed", "已确认")
PS_MSG(PS_MSG_UNVERIFIED, "Unverified", "未核实")
PS_MSG(PS_MSG_EVENTS, "Events", "事件")
PS_MSG(PS_MSG_CONFIG_FILE, "Configuration file", "配置文件")
PS_MSG(PS_MSG_LANGUAGE, "Language", "语言")
PS_MSG(PS_MSG_GENERATED_AT, "Generated at %s", "生成时间：%s")
/* generic words */
PS_MSG(PS_MSG_OK, "ok", "正常")
PS_MSG(PS_MSG_YES, "yes", "是")
PS_MSG(PS_MSG_NONE, "none", "无")
/* command line */
PS_MSG(PS_MSG_ERR_CANNOT_OPEN, "cannot open '%s': %s", "无法打开“%s”：%s")
PS_MSG(PS_MSG_ERR_BAD_LANG, "unknown language '%s' in PANSHI_LANG, using zh-CN",
       "PANSHI_LANG 中的语言“%s”无法识别，使用 zh-CN")
PS_MSG(PS_MSG_CLI_USAGE_MAIN,
       "usage: panshi [--db PATH|URL] [--config FILE] [--policy-dir DIR] [--lang zh-CN|en]\n"
       "              [--format table|json|csv] [--quiet] <command> [<verb>] [<args>]",
       "用法：panshi [--db 路径|URL] [--config 文件] [--policy-dir 目录] [--lang zh-CN|en]\n"
       "             [--format table|json|csv] [--quiet] <命令> [<动作>] [<参数>]")
PS_MSG(PS_MSG_CLI_COMMANDS, "Commands:", "命令：")
PS_MSG(PS_MSG_CLI_GLOBAL_OPTIONS,
       "The store is chosen by --db, else PANSHI_DB, else store.db in the configuration\n"
       "(--config or PANSHI_CONFIG), else panshi.db in general.data_dir (var/panshi.db).\n"
       "'panshi help COMMAND' shows details.",
       "存储由 --db 指定，其次为环境变量 PANSHI_DB，再次为配置文件（--config 或 PANSHI_CONFIG）\n"
       "中的 store.db，默认为 general.data_dir 下的 panshi.db（var/panshi.db）。\n"
       "“panshi help 命令”显示详细说明。")
/* command summaries */
PS_MSG(PS_MSG_CMD_INIT, "create or upgrade the store, load the policy, print the status",
       "创建或升级存储，载入策略，显示状态")
PS_MSG(PS_MSG_CMD_STATUS, "show the state of the store and the policy", "显示存储与策略状态")
PS_MSG(PS_MSG_CMD_CONFIG_CHECK, "validate configuration files", "校验配置文件")
PS_MSG(PS_MSG_CMD_CONFIG_DUMP, "print the effective configuration as annotated YAML",
       "以带注释的 YAML 输出当前生效配置")
PS_MSG(PS_MSG_CMD_POLICY_SHOW, "show legal numbers with their source and status",
       "显示法规取值及其出处与核实状态")
PS_MSG(PS_MSG_CMD_POLICY_CHECK, "validate a policy directory", "校验策略目录")
PS_MSG(PS_MSG_CMD_EVENT_LIST, "list stored events, newest first", "列出已存储事件（最新在前）")
PS_MSG(PS_MSG_CMD_EVENT_IMPORT, "import EVE JSON lines into the store",
       "将 EVE JSON 行导入存储")
/* init and status */
PS_MSG(PS_MSG_INIT_DONE, "initialised store '%s' (%s): schema version %d -> %d",
       "已初始化存储“%s”（%s）：数据库结构版本 %d -> %d")
PS_MSG(PS_MSG_DEPLOYMENT_ID, "Deployment id", "部署标识")
PS_MSG(PS_MSG_INITIALISED_AT, "Initialised at", "初始化时间")
PS_MSG(PS_MSG_POLICY_LOADED_AT, "Policy loaded at", "策略载入时间")
PS_MSG(PS_MSG_POLICY_DIGEST, "Policy digest (SM3)", "策略摘要（SM3）")
PS_MSG(PS_MSG_POLICY_STATE, "Policy state", "策略状态")
PS_MSG(PS_MSG_POLICY_CURRENT, "loaded, files unchanged", "已载入，文件未变更")
PS_MSG(PS_MSG_POLICY_CHANGED, "files changed since loaded; run 'panshi init'",
       "载入后文件已变更，请运行“panshi init”")
PS_MSG(PS_MSG_POLICY_NOT_LOADED, "not loaded; run 'panshi init'", "未载入，请运行“panshi init”")
PS_MSG(PS_MSG_POLICY_INVALID, "invalid; run 'panshi policy check'",
       "无效，请运行“panshi policy check”")
PS_MSG(PS_MSG_BUILTIN_DEFAULTS, "(built-in defaults)", "（内置默认值）")
PS_MSG(PS_MSG_POLICY_CHECK_OK,
       "policy '%s' ok: %zu files, %zu documents, %zu values, %zu unverified",
       "策略“%s”校验通过：%zu 个文件，%zu 份法规文件，%zu 项取值，%zu 项未核实")
PS_MSG(PS_MSG_EVENT_IMPORTED, "imported %lld events, %lld bad lines\n",
       "已导入 %lld 条事件，%lld 行有误\n")
PS_MSG(PS_MSG_EVENT_RETENTION, "Event retention", "事件留存")
PS_MSG(PS_MSG_RETENTION_OK, "%lld days (legal minimum %lld)", "%lld 天（法定下限 %lld 天）")
PS_MSG(PS_MSG_RETENTION_SHORT, "%lld days, BELOW the legal minimum of %lld",
       "%lld 天，低于法定下限 %lld 天")
PS_MSG(PS_MSG_CMD_EVENT_PURGE, "delete events older than store.event_retention_days (or TIME)",
       "删除早于 store.event_retention_days（或指定时间）的事件")
PS_MSG(PS_MSG_EVENT_PURGED, "purged %lld events older than %s\n", "已删除 %lld 条早于 %s 的事件\n")
/* analyze and sensor */
PS_MSG(PS_MSG_CMD_ANALYZE, "analyse capture files: flows, protocols, EVE events",
       "分析抓包文件：流、协议、EVE 事件")
PS_MSG(PS_MSG_CMD_SENSOR, "capture and analyse a live interface until stopped",
       "在网络接口上实时抓包分析，直到停止")
PS_MSG(PS_MSG_AN_CAPTURE, "%s: %llu packets, %llu bytes\n", "%s：%llu 个包，%llu 字节\n")
PS_MSG(PS_MSG_AN_PACKETS, "Packets", "数据包")
PS_MSG(PS_MSG_AN_PACKETS_VAL, "%llu (%llu decoded, %llu malformed), %.1f MB",
       "%llu 个（已解码 %llu，畸形 %llu），%.1f MB")
PS_MSG(PS_MSG_AN_FLOWS, "Flows", "流")
PS_MSG(PS_MSG_AN_FLOWS_VAL, "%llu (TCP %llu, UDP %llu, other %llu)",
       "%llu 条（TCP %llu，UDP %llu，其他 %llu）")
PS_MSG(PS_MSG_AN_PROTOCOLS, "Protocols", "应用协议")
PS_MSG(PS_MSG_AN_EVENTS, "Events", "事件")
PS_MSG(PS_MSG_AN_ANOMALIES, "Anomalies", "异常")
PS_MSG(PS_MSG_AN_ANOMALIES_VAL, "decoder %llu, stream %llu, application %llu",
       "解码 %llu，TCP 流 %llu，应用层 %llu")
PS_MSG(PS_MSG_AN_STORED, "Stored", "已入库")
PS_MSG(PS_MSG_AN_STORED_VAL, "%llu events in '%s'", "%llu 条事件，存于“%s”")
PS_MSG(PS_MSG_AN_INTEL, "Intel", "威胁情报")
PS_MSG(PS_MSG_AN_INTEL_VAL, "%zu indicators; %llu matches, %llu alerts",
       "%zu 条指标；命中 %llu 次，告警 %llu 条")
PS_MSG(PS_MSG_AN_INTEL_LOADED,
       "intel: %zu indicators ready in %.2f s (store %.2f s, tables %.2f s), %.1f MiB\n",
       "威胁情报：%zu 条指标已就绪，用时 %.2f 秒（读库 %.2f 秒，建表 %.2f 秒），%.1f MiB\n")
PS_MSG(PS_MSG_AN_INTEL_RELOADED,
       "intel reloaded: %zu indicators in %.2f s (store %.2f s, tables %.2f s), %.1f MiB\n",
       "威胁情报已重新加载：%zu 条指标，用时 %.2f 秒（读库 %.2f 秒，建表 %.2f 秒），%.1f MiB\n")
PS_MSG(PS_MSG_AN_INTEL_SKIPPED, "intel: %zu stored indicators could not be put in the tables\n",
       "威胁情报：%zu 条已存指标无法放入匹配表\n")
PS_MSG(PS_MSG_AN_RATE, "Rate", "速率")
PS_MSG(PS_MSG_AN_RATE_VAL, "%.0f packets/s (%.2f s)", "%.0f 包/秒（%.2f 秒）")
PS_MSG(PS_MSG_AN_NONE, "none", "无")
PS_MSG(PS_MSG_AN_FAILED_FILES, "%d of %d captures could not be read completely\n",
       "%d/%d 个抓包文件未能完整读取\n")
PS_MSG(PS_MSG_SENSOR_START, "capturing on '%s' with %u worker(s); Ctrl-C stops\n",
       "正在“%s”上抓包（%u 个工作线程）；按 Ctrl-C 停止\n")
/* threat intelligence: indicator types, categories, normalisation (intel/ioc.c) */
PS_MSG(PS_MSG_IOC_T_NONE, "indicator", "威胁指标")
PS_MSG(PS_MSG_IOC_T_IPV4, "IPv4 address", "IPv4 地址")
PS_MSG(PS_MSG_IOC_T_IPV6, "IPv6 address", "IPv6 地址")
PS_MSG(PS_MSG_IOC_T_CIDR4, "IPv4 network", "IPv4 网段")
PS_MSG(PS_MSG_IOC_T_CIDR6, "IPv6 network", "IPv6 网段")
PS_MSG(PS_MSG_IOC_T_DOMAIN, "domain name", "域名")
PS_MSG(PS_MSG_IOC_T_URL, "URL", "URL")
PS_MSG(PS_MSG_IOC_T_MD5, "MD5 hash", "MD5 哈希值")
PS_MSG(PS_MSG_IOC_T_SHA1, "SHA-1 hash", "SHA-1 哈希值")
PS_MSG(PS_MSG_IOC_T_SHA256, "SHA-256 hash", "SHA-256 哈希值")
PS_MSG(PS_MSG_IOC_T_JA3, "JA3 fingerprint", "JA3 指纹")
PS_MSG(PS_MSG_IOC_T_JA4, "JA4 fingerprint", "JA4 指纹")
PS_MSG(PS_MSG_IOC_CAT_NONE, "unspecified", "未指定")
PS_MSG(PS_MSG_IOC_CAT_MALICIOUS_IP, "malicious IP address", "恶意IP地址")
PS_MSG(PS_MSG_IOC_CAT_MALICIOUS_DOMAIN, "malicious domain", "恶意域名")
PS_MSG(PS_MSG_IOC_CAT_MALICIOUS_URL, "malicious URL", "恶意URL")
PS_MSG(PS_MSG_IOC_CAT_MALICIOUS_MESSAGE, "malicious message", "恶意电子信息")
PS_MSG(PS_MSG_IOC_CAT_MALICIOUS_PROGRAM, "malicious program", "恶意程序")
PS_MSG(PS_MSG_IOC_CAT_SECURITY_HAZARD, "security hazard", "安全隐患")
PS_MSG(PS_MSG_IOC_CAT_SECURITY_INCIDENT, "security incident", "网络安全事件")
PS_MSG(PS_MSG_IOC_CAT_OTHER, "other", "其他")
PS_MSG(PS_MSG_IOC_BAD, "'%s' is not a valid %s: %s", "“%s”不是有效的%s：%s")
PS_MSG(PS_MSG_IOC_EMPTY, "empty value", "值为空")
PS_MSG(PS_MSG_IOC_TOO_LONG, "value longer than %d bytes", "值超过 %d 字节")
PS_MSG(PS_MSG_IOC_R_SPACE, "leading or trailing white space", "首尾含空白字符")
PS_MSG(PS_MSG_IOC_R_CONTROL, "contains a control character", "含控制字符")
PS_MSG(PS_MSG_IOC_R_SYNTAX, "malformed", "格式错误")
PS_MSG(PS_MSG_IOC_R_ZONE, "an IPv6 zone is not allowed", "不允许带 IPv6 区域标识")
PS_MSG(PS_MSG_IOC_R_PREFIX, "prefix length must be 0..%d", "前缀长度应为 0..%d")
PS_MSG(PS_MSG_IOC_R_PORT, "port must be 1..65535", "端口应为 1..65535")
PS_MSG(PS_MSG_IOC_R_PORT_NET, "a network cannot have a port", "网段不能带端口")
PS_MSG(PS_MSG_IOC_R_EMPTY_LABEL, "empty label", "存在空标签")
PS_MSG(PS_MSG_IOC_R_LABEL_LONG, "a label is longer than 63 bytes", "标签超过 63 字节")
PS_MSG(PS_MSG_IOC_R_NAME_LONG, "longer than 253 bytes", "超过 253 字节")
PS_MSG(PS_MSG_IOC_R_CHAR, "character '%s' is not allowed", "不允许字符“%s”")
PS_MSG(PS_MSG_IOC_R_HYPHEN, "a label starts or ends with '-'", "标签以“-”开头或结尾")
PS_MSG(PS_MSG_IOC_R_NUMERIC_TLD, "the top-level label is all digits", "顶级标签全为数字")
PS_MSG(PS_MSG_IOC_R_UTF8, "invalid UTF-8", "UTF-8 编码无效")
PS_MSG(PS_MSG_IOC_R_CP, "character U+%04X is not allowed", "不允许字符 U+%04X")
PS_MSG(PS_MSG_IOC_R_SCHEME, "bad scheme", "协议名无效")
PS_MSG(PS_MSG_IOC_R_NO_HOST, "no host", "缺少主机名")
PS_MSG(PS_MSG_IOC_R_HOST, "bad host: %s", "主机名无效：%s")
PS_MSG(PS_MSG_IOC_R_HEX, "must be %d hexadecimal digits", "应为 %d 位十六进制数字")
PS_MSG(PS_MSG_IOC_R_JA4, "not of the form t13d1516h2_8daaf6152771_e5627efa2ab1",
       "格式应为 t13d1516h2_8daaf6152771_e5627efa2ab1")
PS_MSG(PS_MSG_IOC_R_OUT_LONG, "canonical form longer than %d bytes", "规范形式超过 %d 字节")
/* threat intelligence: importers (intel/import*.c) */
PS_MSG(PS_MSG_INTEL_LINE_LONG, "line longer than %d bytes", "行超过 %d 字节")
PS_MSG(PS_MSG_INTEL_NUL, "line contains a NUL byte", "行中含 NUL 字节")
PS_MSG(PS_MSG_INTEL_FIELD_UTF8, "%s is not valid UTF-8", "%s 不是有效的 UTF-8 编码")
PS_MSG(PS_MSG_INTEL_FIELD_LONG, "%s longer than %d bytes", "%s 超过 %d 字节")
PS_MSG(PS_MSG_INTEL_BAD_FIELD, "bad %s '%s'", "%s 值“%s”无效")
PS_MSG(PS_MSG_INTEL_BAD_TYPE, "unknown indicator type '%s'", "未知的指标类型“%s”")
PS_MSG(PS_MSG_INTEL_EXTRA_TEXT, "unexpected text after the value: '%s'", "值后有多余内容：“%s”")
PS_MSG(PS_MSG_INTEL_STORE_REFUSED, "the store refused the indicator", "存储拒绝了该指标")
PS_MSG(PS_MSG_INTEL_FIELDS, "expected %d tab-separated fields, found %d",
       "应有 %d 个以制表符分隔的字段，实有 %d 个")
PS_MSG(PS_MSG_INTEL_SKIP_REGEX, "regular expression, not a value", "正则表达式，不是具体值")
PS_MSG(PS_MSG_INTEL_SKIP_PATH, "URL path without a host", "只有路径、没有主机的 URL")
PS_MSG(PS_MSG_INTEL_SKIP_RULE, "filter rule that is not a host or URL",
       "不是主机或 URL 的过滤规则")
PS_MSG(PS_MSG_INTEL_CSV_QUOTE, "unterminated quoted field", "引号字段未闭合")
PS_MSG(PS_MSG_INTEL_CSV_AFTER_QUOTE, "text after a closing quote", "右引号后有多余字符")
PS_MSG(PS_MSG_INTEL_CSV_NO_COLUMN, "no column %d (the record has %d)",
       "没有第 %d 列（该记录只有 %d 列）")
PS_MSG(PS_MSG_INTEL_CSV_TOO_BIG, "record has more than %d fields or %d bytes",
       "记录超过 %d 个字段或 %d 字节")
PS_MSG(PS_MSG_INTEL_CSV_EMPTY, "the value column is empty", "值所在列为空")
PS_MSG(PS_MSG_INTEL_MAP_FIELD,
       "bad column map '%s': unknown field '%s' (use value, type, host, path, category, "
       "severity, confidence, family, tags, first_seen, last_seen, tlp)",
       "列映射“%s”无效：未知字段“%s”（可用 value、type、host、path、category、"
       "severity、confidence、family、tags、first_seen、last_seen、tlp）")
PS_MSG(PS_MSG_INTEL_MAP_SYNTAX, "bad column map '%s': expected FIELD=COLUMN,...",
       "列映射“%s”无效：格式应为 字段=列,...")
PS_MSG(PS_MSG_INTEL_MAP_COLUMN, "%s: no column '%s' in the header line",
       "%s：表头中没有“%s”列")
PS_MSG(PS_MSG_INTEL_MAP_NO_VALUE, "%s: no value column; give --map value=N or host=N,path=N",
       "%s：未指定值所在列；请用 --map value=N 或 host=N,path=N")
PS_MSG(PS_MSG_INTEL_GZIP, "%s: corrupt or truncated gzip data after line %ld",
       "%s：第 %ld 行之后的 gzip 数据损坏或不完整")
PS_MSG(PS_MSG_INTEL_READ, "cannot read '%s' after line %ld: %s", "无法读取“%s”第 %ld 行之后的内容：%s")
PS_MSG(PS_MSG_INTEL_STORE_FAIL, "cannot store indicators from '%s' (line %ld): %s",
       "无法存储“%s”中的指标（第 %ld 行）：%s")
PS_MSG(PS_MSG_INTEL_FORMAT_UNSUP, "cannot import '%s': format '%s' is not available",
       "无法导入“%s”：不支持格式“%s”")
PS_MSG(PS_MSG_INTEL_NO_SOURCE, "cannot import '%s': no source name", "无法导入“%s”：未指定来源名称")
PS_MSG(PS_MSG_INTEL_TOO_BIG, "%s: larger than %lld bytes", "%s：超过 %lld 字节")
PS_MSG(PS_MSG_INTEL_STOPPED, "%s: import stopped at line %ld; the indicators after the last commit were not stored",
       "%s：导入在第 %ld 行被停止，最后一次提交之后的指标未存储")
/* threat intelligence: panshi intel ... (cli/cmd_intel.c) */
PS_MSG(PS_MSG_CMD_INTEL_IMPORT, "import indicators (lists, CSV, Maltrail, STIX 2.1, MISP feeds) into the store",
       "将威胁指标（列表、CSV、Maltrail、STIX 2.1、MISP 订阅源）导入存储")
PS_MSG(PS_MSG_CMD_INTEL_LIST, "list stored indicators", "列出已存储的威胁指标")
PS_MSG(PS_MSG_CMD_INTEL_SHOW, "show every source's entry for one value", "显示某个值在各来源中的记录")
PS_MSG(PS_MSG_CMD_INTEL_STATS, "count indicators by type, category and source",
       "按类型、类别和来源统计威胁指标")
PS_MSG(PS_MSG_CMD_INTEL_SOURCES, "list intelligence sources and their last import",
       "列出情报来源及其最近一次导入")
PS_MSG(PS_MSG_CMD_INTEL_MATCH, "look values up as the sensor does (exit 1 when none matches)",
       "按传感器的方式查询取值是否命中情报（全部未命中时退出码为 1）")
PS_MSG(PS_MSG_CMD_INTEL_RELOAD, "make running sensors rebuild their matching tables from the store",
       "通知运行中的传感器从数据库重建情报匹配表")
PS_MSG(PS_MSG_INTEL_NO_MATCH, "%d of %d values matched no indicator\n",
       "%d/%d 个取值未命中任何指标\n")
PS_MSG(PS_MSG_INTEL_RELOAD_ASKED, "reload requested: running sensors rebuild within a second or two\n",
       "已请求重新加载：运行中的传感器将在一两秒内重建匹配表\n")
PS_MSG(PS_MSG_CLI_BAD_VALUE, "%s: invalid value '%s'", "%s：取值“%s”无效")
PS_MSG(PS_MSG_INTEL_IMPORTED,
       "%s: read %lld, imported %lld, updated %lld, bad %lld, skipped %lld (%.1f s)\n",
       "%s：读取 %lld 条，新增 %lld 条，更新 %lld 条，错误 %lld 行，跳过 %lld 行（%.1f 秒）\n")
PS_MSG(PS_MSG_INTEL_IMPORT_TOTAL,
       "total: %d files, read %lld, imported %lld, updated %lld, bad %lld, skipped %lld (%.1f s)\n",
       "合计：%d 个文件，读取 %lld 条，新增 %lld 条，更新 %lld 条，错误 %lld 行，跳过 %lld 行（%.1f 秒）\n")
PS_MSG(PS_MSG_INTEL_BAD_MORE, "%s: %lld more bad lines not shown", "%s：另有 %lld 行错误未显示")
PS_MSG(PS_MSG_INTEL_SKIPPED, "%s: skipped %lld lines: %s", "%s：跳过 %lld 行：%s")
PS_MSG(PS_MSG_INTEL_PROGRESS, "%s: %.0f%%, %lld lines, %lld indicators, %.0f s",
       "%s：%.0f%%，%lld 行，%lld 条指标，%.0f 秒")
PS_MSG(PS_MSG_INTEL_NOT_FOUND, "no stored indicator has the value '%s'",
       "没有值为“%s”的已存储指标")
PS_MSG(PS_MSG_INTEL_QUERY_FAIL, "cannot read indicators: %s", "无法读取威胁指标：%s")
PS_MSG(PS_MSG_INTEL_TOO_MANY, "too many rows for a table; use --limit, or --format csv or json",
       "行数过多，无法以表格显示；请使用 --limit，或 --format csv / json")
PS_MSG(PS_MSG_INTEL_FAILED_FILES, "%d of %d files could not be imported\n",
       "%d/%d 个文件未能导入\n")
/* threat intelligence: STIX patterns, STIX and MISP import (intel/stix_pattern.c, import_stix.c, import_misp.c) */
PS_MSG(PS_MSG_STIXP_BAD, "bad STIX pattern at offset %ld: %s", "STIX 模式第 %ld 字节处有误：%s")
PS_MSG(PS_MSG_STIXP_UNSUP, "unsupported STIX pattern: %s", "不支持的 STIX 模式：%s")
PS_MSG(PS_MSG_STIXP_DROPPED, "%zu unsupported comparisons of the STIX pattern dropped, first: %s",
       "已舍弃 STIX 模式中 %zu 个不支持的比较，第一个：%s")
PS_MSG(PS_MSG_STIXP_LONG, "STIX pattern longer than %d bytes or with more than %d comparisons",
       "STIX 模式超过 %d 字节或多于 %d 个比较")
PS_MSG(PS_MSG_STIXP_E_EMPTY, "the pattern is empty", "模式为空")
PS_MSG(PS_MSG_STIXP_E_OBS, "expected '[' or '('", "此处应为“[”或“(”")
PS_MSG(PS_MSG_STIXP_E_PATH, "expected an object path such as ipv4-addr:value",
       "此处应为对象路径，如 ipv4-addr:value")
PS_MSG(PS_MSG_STIXP_E_OP, "expected a comparison operator", "此处应为比较运算符")
PS_MSG(PS_MSG_STIXP_E_VALUE, "expected a constant", "此处应为常量")
PS_MSG(PS_MSG_STIXP_E_NEXT, "expected OR, AND, ')' or ']'", "此处应为 OR、AND、“)”或“]”")
PS_MSG(PS_MSG_STIXP_E_AFTER, "expected OR, AND, FOLLOWEDBY, a qualifier, ')' or the end",
       "此处应为 OR、AND、FOLLOWEDBY、限定词、“)”或结尾")
PS_MSG(PS_MSG_STIXP_E_STRING, "unterminated string", "字符串未结束")
PS_MSG(PS_MSG_STIXP_E_ESCAPE, "bad escape in a string (only \\' and \\\\ are allowed)",
       "字符串中的转义无效（只允许 \\' 和 \\\\）")
PS_MSG(PS_MSG_STIXP_E_PAREN, "unbalanced parentheses", "括号不配对")
PS_MSG(PS_MSG_STIXP_U_KEYWORD, "'%s' (only comparisons joined by OR are read)",
       "“%s”（只读取以 OR 连接的比较）")
PS_MSG(PS_MSG_STIXP_U_CMP,
       "comparison '%s %s' (read: ipv4-addr, ipv6-addr, domain-name, url, file hashes MD5, SHA-1, SHA-256)",
       "比较“%s %s”（可读取：ipv4-addr、ipv6-addr、domain-name、url、文件哈希 MD5、SHA-1、SHA-256）")
PS_MSG(PS_MSG_INTEL_JSON, "%s: not valid JSON (line %d, column %d): %s",
       "%s：不是有效的 JSON（第 %d 行第 %d 列）：%s")
PS_MSG(PS_MSG_STIX_NOT_BUNDLE, "%s: not a STIX bundle (no \"type\": \"bundle\" with \"objects\")",
       "%s：不是 STIX 数据包（没有带 \"objects\" 的 \"type\": \"bundle\"）")
PS_MSG(PS_MSG_INTEL_BAD_PROP, "missing or bad %s", "%s 缺失或无效")
PS_MSG(PS_MSG_STIX_SKIP_OBJECT, "STIX object not read (only indicators, TLP markings, malware and indicates relationships are)",
       "未读取的 STIX 对象（只读取指标、TLP 标记、恶意软件及 indicates 关系）")
PS_MSG(PS_MSG_STIX_SKIP_PATTERN_TYPE, "indicator with a pattern_type other than stix",
       "pattern_type 不是 stix 的指标")
PS_MSG(PS_MSG_STIX_SKIP_REVOKED, "revoked indicator", "已撤销的指标")
PS_MSG(PS_MSG_STIX_SKIP_BENIGN, "benign indicator (an allow-list entry, not a threat)",
       "良性指标（白名单条目，不是威胁）")
PS_MSG(PS_MSG_MISP_NO_EVENT, "%s: not a MISP event (no \"Event\" object)",
       "%s：不是 MISP 事件（没有 \"Event\" 对象）")
PS_MSG(PS_MSG_MISP_NO_EVENTS, "%s: no manifest.json and no event files", "%s：既没有 manifest.json 也没有事件文件")
PS_MSG(PS_MSG_MISP_EVENT_FILE, "cannot read the event: %s", "无法读取事件：%s")
PS_MSG(PS_MSG_MISP_BAD_UUID, "manifest entry '%s' is not a UUID", "清单条目“%s”不是 UUID")
PS_MSG(PS_MSG_MISP_SKIP_IDS, "attribute with to_ids false (context, not for detection)",
       "to_ids 为 false 的属性（上下文信息，不用于检测）")
PS_MSG(PS_MSG_MISP_SKIP_TYPE, "MISP attribute type that is not an indicator type here",
       "不属于本系统指标类型的 MISP 属性")
PS_MSG(PS_MSG_MISP_SKIP_DELETED, "deleted attribute", "已删除的属性")
/* threat intelligence: exporters and panshi intel export (intel/export*.c, cli/cmd_intel_export.c) */
PS_MSG(PS_MSG_EXPORT_NOTE_TLSFP,
       "JA3/JA4 has no STIX 2.1 cyber-observable: written as a custom x-panshi-tls-fingerprint pattern",
       "JA3/JA4 在 STIX 2.1 中没有对应的网络可观测对象：以自定义 x-panshi-tls-fingerprint 模式写出")
PS_MSG(PS_MSG_EXPORT_NOTE_LIKE,
       "subdomain match of a name with '_' is no STIX LIKE: only in x_panshi_subdomains",
       "含“_”的域名的子域匹配无法写成 STIX LIKE：只记录在 x_panshi_subdomains 中")
PS_MSG(PS_MSG_EXPORT_NOTE_UNTIL,
       "expiry not after first seen cannot be valid_until: only in x_panshi_expires",
       "不晚于首次发现时间的过期时间无法写成 valid_until：只记录在 x_panshi_expires 中")
PS_MSG(PS_MSG_EXPORT_WRITE, "cannot write the export: %s", "无法写出导出结果：%s")
PS_MSG(PS_MSG_CMD_INTEL_EXPORT, "export shareable indicators as STIX 2.1, CSV or GB/T 36643 JSON",
       "将可共享的威胁指标导出为 STIX 2.1、CSV 或 GB/T 36643 JSON")
PS_MSG(PS_MSG_EXPORT_DONE,
       "%s: exported %lld of %lld selected; withheld %lld (not shareable %lld, TLP:RED %lld, above TLP:%s %lld); not representable %lld (dropped %lld) (%.1f s)\n",
       "%s：已导出 %lld 条（共选中 %lld 条）；扣留 %lld 条（不可共享 %lld，TLP:RED %lld，高于 TLP:%s %lld）；无法标准表示 %lld 条（未导出 %lld）（%.1f 秒）\n")
PS_MSG(PS_MSG_EXPORT_NOTE_KEPT, "%s: %lld exported in a non-standard form: %s\n",
       "%s：%lld 条以非标准形式导出：%s\n")
PS_MSG(PS_MSG_EXPORT_NOTE_DROPPED, "%s: %lld not exported: %s\n", "%s：%lld 条未导出：%s\n")
PS_MSG(PS_MSG_EXPORT_RED, "--tlp-max: TLP:RED indicators are never exported",
       "--tlp-max：TLP:RED 指标永远不会导出")
PS_MSG(PS_MSG_EXPORT_OUT, "cannot write '%s': %s", "无法写入“%s”：%s")

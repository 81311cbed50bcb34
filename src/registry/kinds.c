/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The entity kinds of the registry and their fields: the one place that
 * says what a unit, an asset or a catalogue entry holds. Migration 3 in
 * store/store_schema.c creates one table per kind with these columns, and
 * test_kinds.c checks that the two agree.
 */
#include <string.h>

#include "core/core.h"
#include "registry/registry.h"

#define R PS_REG_F_REQUIRED
#define L PS_REG_F_LIST
#define FL PS_REG_F_FILED
#define SC PS_REG_F_SCALE

#define OPERATOR_TYPES "basic_telecom|vas|internet|idc|isp|cdn|cloud|industrial|iov|other"
#define UNIT_TYPES "basic_telecom|internet|idc|cdn|dns|cloud|industrial_platform|" \
	"identifier_resolution|iov_platform"

static const struct ps_reg_field operator_fields[] = {
	{"name", "名称", PS_REG_TEXT, R | L, NULL, "legal name of the company"},
	{"uscc", "统一社会信用代码", PS_REG_USCC, L, NULL, "unified social credit code"},
	{"type", "类型", PS_REG_ENUM, R | L, OPERATOR_TYPES, "kind of operator"},
	{"province", "省份", PS_REG_TEXT, L, NULL, "province of the licence"},
	{"licence_no", "许可证号", PS_REG_TEXT, 0, NULL, "telecom business licence number"},
	{"dns_licence", "域名解析许可", PS_REG_FLAG, 0, NULL,
	 "holds a DNS-resolution licence (rule 31)"},
	{"log_retention_days", "日志留存天数", PS_REG_INT, 0, NULL,
	 "configured retention of processing and operator logs (rule 17)"},
	{"contact", "联系方式", PS_REG_TEXT, 0, NULL, "contact for the regulator"},
};

static const struct ps_reg_field dept_fields[] = {
	{"operator", "所属单位", PS_REG_REF, R | L, "operator", "operator the department belongs to"},
	{"name", "部门名称", PS_REG_TEXT, R | L, NULL, "department name"},
	{"parent", "上级部门", PS_REG_REF, L, "dept", "parent department"},
	{"duty", "职责", PS_REG_TEXT, 0, NULL, "security duties"},
};

static const struct ps_reg_field person_fields[] = {
	{"name", "姓名", PS_REG_TEXT, R | L, NULL, "full name"},
	{"dept", "部门", PS_REG_REF, L, "dept", "department"},
	{"role", "角色", PS_REG_TEXT, L, NULL, "role, e.g. 网络安全负责人"},
	{"phone", "电话", PS_REG_TEXT, 0, NULL, "phone"},
	{"email", "邮箱", PS_REG_TEXT, 0, NULL, "e-mail"},
	{"security_staff", "安全岗位", PS_REG_FLAG, L, NULL,
	 "security staff: the yearly training hours apply"},
	{"left_date", "离岗日期", PS_REG_DATE, 0, NULL, "date the person left the post"},
};

static const struct ps_reg_field unit_fields[] = {
	{"operator", "所属单位", PS_REG_REF, R | L, "operator", "operator that runs the unit"},
	{"name", "网络单元名称", PS_REG_TEXT, R | L, NULL, "network unit name"},
	{"type", "单元类型", PS_REG_ENUM, R | L, UNIT_TYPES, "kind of network unit"},
	{"level", "安全防护级别", PS_REG_LEVEL, R | L, NULL, "protection level 1-5"},
	{"grading_factors", "定级要素", PS_REG_TEXT, 0, NULL,
	 "grading factors (scope, users, importance)"},
	{"grading_rationale", "定级理由", PS_REG_TEXT, 0, NULL, "why this level"},
	{"grading_review_date", "定级评审通过日期", PS_REG_DATE, L, NULL,
	 "date the grading review was passed (starts the filing clock)"},
	{"filing_status", "备案状态", PS_REG_ENUM, L, "unfiled|submitted|filed|rejected",
	 "state of the filing"},
	{"filing_date", "备案日期", PS_REG_DATE, L, NULL, "date the filing was submitted"},
	{"filing_no", "备案编号", PS_REG_TEXT, L, NULL, "filing number"},
	{"dept", "责任部门", PS_REG_REF, 0, "dept", "responsible department"},
	{"person", "责任人", PS_REG_REF, L, "person", "responsible person"},
	{"go_live_date", "上线日期", PS_REG_DATE, 0, NULL, "date in service"},
	{"retired_date", "下线日期", PS_REG_DATE, 0, NULL, "date out of service: no more duties"},
};

static const struct ps_reg_field unit_change_fields[] = {
	{"unit", "网络单元", PS_REG_REF, R | L, "unit", "unit that changed"},
	{"change_date", "变更日期", PS_REG_DATE, R | L, NULL, "date of the change"},
	{"reason", "变更原因", PS_REG_TEXT, R | L, NULL, "what changed and why"},
	{"new_level", "变更后级别", PS_REG_LEVEL, L, NULL, "level after the change, if it changed"},
	{"filed_date", "变更备案日期", PS_REG_DATE, L, NULL, "date the change filing was made"},
};

static const struct ps_reg_field iie_fields[] = {
	{"operator", "所属运营者", PS_REG_REF, 0, "operator", "operator record, if any"},
	{"name", "企业名称", PS_REG_TEXT, R | L, NULL, "enterprise name"},
	{"uscc", "统一社会信用代码", PS_REG_USCC, L, NULL, "unified social credit code"},
	{"class", "企业类型", PS_REG_LABEL, R | L, "industrial.classes:code",
	 "connected_industrial, platform or identifier_resolution"},
	{"level", "企业级别", PS_REG_LABEL, R | L, "industrial.levels:name",
	 "一级, 二级 or 三级 (三级 is the highest)"},
	{"province", "省份", PS_REG_TEXT, L, NULL, "province"},
	{"grading_date", "定级日期", PS_REG_DATE, 0, NULL, "date graded"},
	{"filing_date", "备案日期", PS_REG_DATE, L, NULL, "date filed on the national platform"},
};

static const struct ps_reg_field iov_fields[] = {
	{"operator", "所属单位", PS_REG_REF, R | L, "operator", "operator"},
	{"name", "平台/系统名称", PS_REG_TEXT, R | L, NULL, "platform or system name"},
	{"kind", "类别", PS_REG_ENUM, R | L, "platform|system", "platform or system"},
	{"level", "安全防护级别", PS_REG_LEVEL, R | L, NULL, "protection level"},
	{"filing_date", "备案日期", PS_REG_DATE, L, NULL, "date filed"},
	{"filing_no", "备案编号", PS_REG_TEXT, 0, NULL, "filing number"},
};

static const struct ps_reg_field asset_fields[] = {
	{"unit", "网络单元", PS_REG_REF, R | L, "unit", "owning network unit"},
	{"kind", "资产类型", PS_REG_ENUM, R | L,
	 "host|network_device|application|domain|ip_range", "kind of asset"},
	{"name", "资产名称", PS_REG_TEXT, R | L, NULL, "name"},
	{"address", "地址", PS_REG_TEXT, L, NULL,
	 "IP address or range (host, network_device, ip_range) or domain"},
	{"cpe", "CPE", PS_REG_CPE, 0, NULL, "vendor/product/version as CPE 2.3"},
	{"key_device", "重要设备", PS_REG_FLAG, L, NULL, "key device (重要设备)"},
	{"security_domain", "安全域", PS_REG_TEXT, L, NULL, "security domain"},
	{"dept", "责任部门", PS_REG_REF, 0, "dept", "responsible department"},
	{"person", "责任人", PS_REG_REF, L, "person", "responsible person"},
	{"note", "备注", PS_REG_TEXT, 0, NULL, "note"},
};

static const struct ps_reg_field catalog_fields[] = {
	{"operator", "数据处理者", PS_REG_REF, R | L, "operator", "data processor"},
	{"unit", "所在网络单元", PS_REG_REF, 0, "unit", "unit holding the data"},
	{"name", "数据名称", PS_REG_TEXT, R | L, NULL, "data set name"},
	{"category", "数据类别", PS_REG_TEXT, R | L | FL, NULL, "category"},
	{"level", "数据级别", PS_REG_LABEL, R | L | FL, "datasec.levels:name", "一般, 重要 or 核心"},
	{"records", "数据量(条)", PS_REG_INT, L | FL | SC, NULL, "number of records"},
	{"storage_gb", "存储量(GB)", PS_REG_NUM, FL | SC, NULL, "storage in GB"},
	{"source", "数据来源", PS_REG_TEXT, FL, NULL, "where the data comes from"},
	{"carrier", "载体", PS_REG_TEXT, FL, NULL, "system or medium holding it"},
	{"purpose", "处理目的", PS_REG_TEXT, FL, NULL, "purpose of processing"},
	{"scope", "处理方式/范围", PS_REG_TEXT, FL, NULL, "scope of processing"},
	{"owner", "安全负责人", PS_REG_REF, FL, "person", "responsible person"},
	{"sharing", "共享情况", PS_REG_TEXT, FL, NULL, "sharing and provision to others"},
	{"cross_border", "出境", PS_REG_FLAG, L | FL, NULL, "leaves the country"},
	{"protection", "安全防护措施", PS_REG_TEXT, FL, NULL, "protection measures"},
	{"disposal", "销毁/转移", PS_REG_TEXT, FL, NULL, "destruction or transfer"},
	{"filed_date", "备案日期", PS_REG_DATE, L, NULL,
	 "date the catalogue entry (or its last change) was filed"},
	{"filed_values", "已备案值", PS_REG_TEXT, 0, NULL,
	 "JSON of the filed-field values at filing (kept by `catalog file`)"},
	{"change_date", "变更日期", PS_REG_DATE, L, NULL,
	 "date a filed field changed since the filing"},
};

static const struct ps_reg_field ipblock_fields[] = {
	{"operator", "持有单位", PS_REG_REF, R | L, "operator", "holder of the allocation"},
	{"range", "地址段", PS_REG_IPRANGE, R | L, NULL, "allocated block"},
	{"registry", "分配机构", PS_REG_TEXT, L, NULL, "APNIC, CNNIC, ..."},
	{"allocated_date", "分配日期", PS_REG_DATE, 0, NULL, "date allocated"},
};

static const struct ps_reg_field ipfiling_fields[] = {
	{"operator", "备案单位", PS_REG_REF, R | L, "operator", "operator that filed the record"},
	{"range", "地址段", PS_REG_IPRANGE, R | L, NULL, "filed range"},
	{"holder", "使用单位", PS_REG_TEXT, R | L, NULL, "user of the range"},
	{"use", "用途", PS_REG_TEXT, R | L, NULL, "use (自用, 再分配, IDC, ...)"},
	{"location", "使用地点", PS_REG_TEXT, L, NULL, "location of use"},
	{"icp", "ICP备案", PS_REG_REF, 0, "icp", "ICP filing served from it"},
	{"filed_date", "备案日期", PS_REG_DATE, 0, NULL, "date filed"},
};

static const struct ps_reg_field ipseen_fields[] = {
	{"address", "地址", PS_REG_IPRANGE, R | L, NULL, "address or range seen in use"},
	{"source", "来源", PS_REG_ENUM, R | L, "routing|aaa|idc|icp|flow|scan",
	 "where it was seen"},
	{"holder", "实际使用单位", PS_REG_TEXT, L, NULL, "holder seen"},
	{"use", "实际用途", PS_REG_TEXT, L, NULL, "use seen"},
	{"location", "实际地点", PS_REG_TEXT, L, NULL, "location seen"},
	{"seen_date", "发现日期", PS_REG_DATE, L, NULL, "date seen"},
};

static const struct ps_reg_field icp_fields[] = {
	{"operator", "接入单位", PS_REG_REF, 0, "operator", "access provider"},
	{"filing_no", "备案号", PS_REG_TEXT, R | L, NULL, "ICP filing number"},
	{"domain", "域名", PS_REG_TEXT, R | L, NULL, "domain"},
	{"holder", "主办单位", PS_REG_TEXT, R | L, NULL, "site holder"},
	{"address", "接入地址", PS_REG_IPRANGE, L, NULL, "server address"},
	{"change_date", "变更日期", PS_REG_DATE, 0, NULL, "date the filed facts changed"},
	{"change_filed_date", "变更备案日期", PS_REG_DATE, L, NULL, "date the change was filed"},
};

static const struct ps_reg_field plan_fields[] = {
	{"operator", "所属单位", PS_REG_REF, R | L, "operator", "operator"},
	{"title", "预案名称", PS_REG_TEXT, R | L, NULL, "title"},
	{"version", "版本", PS_REG_TEXT, L, NULL, "version"},
	{"approved_date", "发布日期", PS_REG_DATE, L, NULL, "date approved"},
	{"scope", "适用范围", PS_REG_TEXT, 0, NULL, "scope"},
};

static const struct ps_reg_field drill_fields[] = {
	{"operator", "所属单位", PS_REG_REF, R | L, "operator", "operator"},
	{"plan", "应急预案", PS_REG_REF, 0, "plan", "plan exercised"},
	{"kind", "演练类型", PS_REG_ENUM, R | L, "process|live", "process (桌面/流程) or live (实战)"},
	{"date", "演练日期", PS_REG_DATE, R | L, NULL, "date held"},
	{"scenario", "演练场景", PS_REG_TEXT, R | L, NULL, "scenario"},
	{"participants", "参演人数", PS_REG_INT, 0, NULL, "number of participants"},
	{"findings", "发现问题", PS_REG_TEXT, 0, NULL, "findings"},
};

static const struct ps_reg_field training_fields[] = {
	{"person", "人员", PS_REG_REF, R | L, "person", "who was trained"},
	{"date", "培训日期", PS_REG_DATE, R | L, NULL, "date"},
	{"hours", "学时", PS_REG_NUM, R | L, NULL, "class hours"},
	{"topic", "培训内容", PS_REG_TEXT, L, NULL, "topic"},
	{"data_security", "数据安全培训", PS_REG_FLAG, L, NULL,
	 "data-security and personal-information training"},
	{"provider", "培训机构", PS_REG_TEXT, 0, NULL, "provider"},
};

static const struct ps_reg_field crypto_fields[] = {
	{"operator", "所属单位", PS_REG_REF, R | L, "operator", "operator"},
	{"unit", "网络单元", PS_REG_REF, 0, "unit", "unit, if any"},
	{"system", "系统名称", PS_REG_TEXT, R | L, NULL, "system"},
	{"algorithms", "密码算法", PS_REG_TEXT, R | L, NULL,
	 "algorithms, comma-separated (SM2,SM3,SM4,...)"},
	{"assessment_date", "密评日期", PS_REG_DATE, L, NULL, "commercial-crypto assessment date"},
	{"assessor", "密评机构", PS_REG_TEXT, 0, NULL, "assessment body"},
	{"result", "密评结论", PS_REG_ENUM, L, "pass|basic_pass|fail", "assessment result"},
};

static const struct ps_reg_field assessment_fields[] = {
	{"target_kind", "对象类型", PS_REG_ENUM, R | L, "unit|iie|iov|operator",
	 "kind of record assessed"},
	{"target", "对象", PS_REG_TEXT, R | L, NULL, "key of the record assessed"},
	{"kind", "评估类型", PS_REG_ENUM, R | L, "conformity|risk|data_risk|self_inspection",
	 "符合性评测, 安全风险评估, 数据安全风险评估 or 自查"},
	{"date", "完成日期", PS_REG_DATE, R | L, NULL, "date completed"},
	{"report_date", "报告出具日期", PS_REG_DATE, 0, NULL,
	 "date the report was first issued (data risk: validity runs from it)"},
	{"submitted_date", "报送日期", PS_REG_DATE, 0, NULL, "date sent to the regulator"},
	{"assessor", "评估机构", PS_REG_TEXT, L, NULL, "assessor"},
	{"framework", "检查框架", PS_REG_TEXT, 0, NULL, "checklist framework id"},
	{"framework_version", "框架版本", PS_REG_TEXT, 0, NULL, "checklist framework version"},
	{"score", "得分", PS_REG_NUM, L, NULL, "score obtained"},
	{"max_score", "满分", PS_REG_NUM, 0, NULL, "score possible"},
	{"result", "结论", PS_REG_ENUM, L, "pass|fail", "overall result"},
	{"findings", "发现问题", PS_REG_TEXT, 0, NULL, "findings"},
};

static const struct ps_reg_field rectification_fields[] = {
	{"assessment", "评估", PS_REG_REF, R | L, "assessment", "assessment that found it"},
	{"requirement", "要求项", PS_REG_TEXT, L, NULL, "framework requirement id"},
	{"description", "整改内容", PS_REG_TEXT, R | L, NULL, "what must be fixed"},
	{"owner", "责任人", PS_REG_REF, L, "person", "who fixes it"},
	{"deadline", "整改期限", PS_REG_DATE, R | L, NULL, "due date"},
	{"status", "状态", PS_REG_ENUM, R | L, "open|in_progress|closed", "state"},
	{"closed_date", "完成日期", PS_REG_DATE, L, NULL, "date closed"},
	{"evidence", "整改证据", PS_REG_TEXT, 0, NULL, "evidence of the fix"},
};

static const struct ps_reg_field inspector_fields[] = {
	{"name", "姓名", PS_REG_TEXT, R | L, NULL, "inspector"},
	{"org", "所在机构", PS_REG_TEXT, L, NULL, "organisation"},
	{"phone", "电话", PS_REG_TEXT, 0, NULL, "phone"},
	{"conflicts", "回避单位", PS_REG_TEXT, L, NULL,
	 "operator keys the inspector must not inspect, comma-separated"},
};

static const struct ps_reg_field draw_fields[] = {
	{"date", "抽取日期", PS_REG_DATE, R | L, NULL, "date of the draw"},
	{"seed", "随机种子", PS_REG_TEXT, R | L, NULL, "seed (hex)"},
	{"scope", "范围", PS_REG_TEXT, L, NULL, "province or campaign"},
	{"params", "参数", PS_REG_TEXT, 0, NULL, "JSON: sample sizes and policy values"},
	{"population", "抽取总体", PS_REG_TEXT, 0, NULL,
	 "JSON: entity and inspector keys drawn from, with exclusions"},
	{"result", "抽取结果", PS_REG_TEXT, 0, NULL, "JSON: entities with their inspectors"},
};

static const struct ps_reg_field inspection_fields[] = {
	{"operator", "被检查单位", PS_REG_REF, R | L, "operator", "operator inspected"},
	{"date", "检查日期", PS_REG_DATE, R | L, NULL, "date"},
	{"inspector", "检查机构", PS_REG_TEXT, R | L, NULL, "who inspected"},
	{"kind", "检查类型", PS_REG_ENUM, L, "self|regulator|double_random", "kind"},
	{"draw", "抽取记录", PS_REG_REF, 0, "draw", "double-random draw"},
	{"result", "检查结论", PS_REG_TEXT, L, NULL, "result"},
	{"findings", "发现问题", PS_REG_TEXT, 0, NULL, "findings"},
};

#define KIND(n, pl, tb, pre, zh, f) {n, pl, tb, pre, zh, f, PS_ARRAY_LEN(f)}

static const struct ps_reg_kind kinds[] = {
	KIND("operator", "operators", "reg_operators", "OP", "运营单位", operator_fields),
	KIND("dept", "depts", "reg_depts", "D", "部门", dept_fields),
	KIND("person", "persons", "reg_persons", "P", "人员", person_fields),
	KIND("unit", "units", "reg_units", "U", "网络单元", unit_fields),
	KIND("unit_change", "unit_changes", "reg_unit_changes", "CHG", "变更备案",
	     unit_change_fields),
	KIND("iie", "iies", "reg_iies", "IIE", "工业互联网企业", iie_fields),
	KIND("iov", "iovs", "reg_iovs", "IOV", "车联网平台/系统", iov_fields),
	KIND("asset", "assets", "reg_assets", "A", "资产", asset_fields),
	KIND("catalog", "catalogs", "reg_catalog", "DC", "数据目录", catalog_fields),
	KIND("icp", "icps", "reg_icp", "ICP", "ICP备案", icp_fields),
	KIND("ipblock", "ipblocks", "reg_ip_blocks", "B", "分配地址段", ipblock_fields),
	KIND("ipfiling", "ipfilings", "reg_ip_filings", "F", "IP地址备案", ipfiling_fields),
	KIND("ipseen", "ipseens", "reg_ip_seen", "O", "在用地址", ipseen_fields),
	KIND("plan", "plans", "reg_plans", "PLAN", "应急预案", plan_fields),
	KIND("drill", "drills", "reg_drills", "DR", "应急演练", drill_fields),
	KIND("training", "trainings", "reg_training", "TR", "培训记录", training_fields),
	KIND("crypto", "cryptos", "reg_crypto", "CA", "商用密码应用", crypto_fields),
	KIND("assessment", "assessments", "reg_assessments", "AS", "评测评估",
	     assessment_fields),
	KIND("rectification", "rectifications", "reg_rectifications", "RI", "整改项",
	     rectification_fields),
	KIND("inspector", "inspectors", "reg_inspectors", "INS", "检查人员",
	     inspector_fields),
	KIND("draw", "draws", "reg_draws", "DRAW", "双随机抽取", draw_fields),
	KIND("inspection", "inspections", "reg_inspections", "IN", "检查记录",
	     inspection_fields),
};

size_t ps_reg_kind_count(void)
{
	return PS_ARRAY_LEN(kinds);
}

const struct ps_reg_kind *ps_reg_kind_at(size_t i)
{
	return i < PS_ARRAY_LEN(kinds) ? &kinds[i] : NULL;
}

const struct ps_reg_kind *ps_reg_kind_find(const char *name)
{
	for (size_t i = 0; i < PS_ARRAY_LEN(kinds); i++)
		if (strcmp(kinds[i].name, name) == 0 || strcmp(kinds[i].plural, name) == 0)
			return &kinds[i];
	return NULL;
}

int ps_reg_field_find(const struct ps_reg_kind *k, const char *name)
{
	if (strcmp(name, "key") == 0 || strcmp(name, "编号") == 0)
		return -2;
	for (size_t i = 0; i < k->n_fields; i++)
		if (strcmp(k->fields[i].name, name) == 0 || strcmp(k->fields[i].zh, name) == 0)
			return (int)i;
	return -1;
}

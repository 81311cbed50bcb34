// SPDX-License-Identifier: Apache-2.0
// The console's two languages: zh-CN (default) and English. Every visible
// label comes from this dictionary; the choice is kept in localStorage.
import { ref } from 'vue'

export type Lang = 'zh' | 'en'

const STORE_KEY = 'panshi.lang'

type Dict = Record<string, [string, string]> // key -> [zh, en]

const dict: Dict = {
  'app.title': ['磐石 网络与数据安全', 'Panshi network and data security'],
  'app.brand': ['磐石', 'Panshi'],
  'lang.switch': ['English', '中文'],
  'nav.dashboard': ['态势感知', 'Situation'],
  'nav.events': ['事件检索', 'Events'],
  'nav.incidents': ['事件处置', 'Incidents'],
  'nav.registry': ['资产台账', 'Registry'],
  'nav.calendar': ['合规日历', 'Calendar'],
  'nav.intel': ['威胁情报', 'Intel'],
  'nav.reports': ['报告', 'Reports'],
  'nav.audit': ['审计日志', 'Audit log'],
  'nav.users': ['用户管理', 'Users'],
  'nav.tokens': ['API 令牌', 'API tokens'],
  'nav.logout': ['退出', 'Log out'],
  'nav.password': ['修改密码', 'Password'],

  'common.loading': ['加载中…', 'Loading…'],
  'common.refresh': ['刷新', 'Refresh'],
  'common.none': ['无', 'None'],
  'common.all': ['全部', 'All'],
  'common.prev': ['上一页', 'Previous'],
  'common.next': ['下一页', 'Next'],
  'common.total': ['共 {n} 条', '{n} in all'],
  'common.page': ['第 {p} / {n} 页', 'Page {p} of {n}'],
  'common.search': ['查询', 'Search'],
  'common.reset': ['重置', 'Reset'],
  'common.save': ['保存', 'Save'],
  'common.submit': ['提交', 'Submit'],
  'common.download': ['下载', 'Download'],
  'common.yes': ['是', 'yes'],
  'common.no': ['否', 'no'],
  'common.error': ['错误', 'Error'],
  'common.done': ['已完成', 'Done'],
  'common.back': ['返回', 'Back'],
  'common.sort': ['排序', 'Sort'],
  'common.updated': ['更新于 {t}', 'Updated {t}'],
  'common.empty': ['暂无数据', 'No data'],
  'common.format': ['格式', 'Format'],
  'common.key': ['编号', 'Key'],

  'login.title': ['登录', 'Log in'],
  'login.name': ['用户名', 'User name'],
  'login.password': ['密码', 'Password'],
  'login.submit': ['登录', 'Log in'],
  'login.readonly': ['页面刷新后会话仅可查看；如需操作请重新登录。', 'After a reload the session can only read; log in again to make changes.'],
  'login.relogin': ['会话已失效，请重新登录', 'Your session has ended; please log in again'],
  'pw.title': ['修改密码', 'Change password'],
  'pw.must': ['首次登录须修改一次性密码', 'Change the one-time password before going on'],
  'pw.old': ['原密码', 'Current password'],
  'pw.new': ['新密码', 'New password'],
  'pw.repeat': ['确认新密码', 'Repeat new password'],
  'pw.mismatch': ['两次输入的新密码不一致', 'The new passwords differ'],
  'pw.changed': ['密码已修改', 'Password changed'],

  'dash.title': ['态势感知', 'Security situation'],
  'dash.events': ['事件总数', 'Events'],
  'dash.alerts': ['告警', 'Alerts'],
  'dash.open': ['未结事件', 'Open incidents'],
  'dash.overdue': ['超时时限', 'Overdue clocks'],
  'dash.units': ['涉及单位', 'Units'],
  'dash.indicators': ['命中情报', 'Indicators'],
  'dash.by_day': ['每日事件与告警', 'Events and incidents per day'],
  'dash.by_category': ['按类别', 'By category'],
  'dash.by_level': ['按级别', 'By level'],
  'dash.top_indicators': ['命中最多的情报', 'Top indicators'],
  'dash.top_units': ['受影响最多的单位', 'Top affected units'],
  'dash.top_assets': ['受影响最多的资产', 'Top affected assets'],
  'dash.overdue_list': ['超时时限清单', 'Overdue clocks'],
  'dash.sensors': ['探针状态', 'Sensor health'],
  'dash.series_events': ['事件', 'Events'],
  'dash.series_alerts': ['告警', 'Alerts'],
  'dash.series_incidents': ['新增处置事件', 'Incidents'],
  'dash.days': ['最近 {n} 天', 'last {n} days'],
  'dash.auto': ['每 30 秒自动刷新', 'Refreshes every 30 s'],
  'dash.paused': ['页面隐藏时暂停', 'paused while hidden'],
  'sensor.sensor': ['探针', 'Sensor'],
  'sensor.last_event': ['最近事件', 'Last event'],
  'sensor.events_1h': ['近 1 小时事件', 'Events (1 h)'],
  'sensor.pps': ['包/秒', 'Packets/s'],
  'sensor.drops': ['丢包', 'Drops'],
  'sensor.status': ['状态', 'Status'],
  'sensor.silent': ['静默', 'Silent'],
  'sensor.ok': ['正常', 'OK'],

  'ev.title': ['事件检索', 'Event search'],
  'ev.type': ['事件类型', 'Type'],
  'ev.ip': ['任一地址', 'Any address'],
  'ev.severity_max': ['严重度', 'Severity'],
  'ev.since': ['起始日期', 'Since'],
  'ev.until': ['截止日期', 'Until'],
  'ev.newest': ['时间（新→旧）', 'newest first'],
  'ev.oldest': ['时间（旧→新）', 'oldest first'],
  'inc.title': ['事件处置', 'Incidents'],
  'inc.id': ['编号', 'ID'],
  'inc.kind': ['类型', 'Kind'],
  'inc.name': ['标题', 'Title'],
  'inc.category': ['类别', 'Category'],
  'inc.state': ['状态', 'State'],
  'inc.level': ['级别', 'Level'],
  'inc.severity': ['严重度', 'Severity'],
  'inc.indicator': ['指标', 'Indicator'],
  'inc.address': ['地址', 'Address'],
  'inc.peer': ['对端', 'Peer'],
  'inc.asset': ['资产', 'Asset'],
  'inc.unit': ['单位', 'Unit'],
  'inc.dept': ['部门', 'Department'],
  'inc.person': ['责任人', 'Person'],
  'inc.assignee': ['处置人', 'Assignee'],
  'inc.first_seen': ['首次发现', 'First seen'],
  'inc.last_seen': ['最近发现', 'Last seen'],
  'inc.events': ['事件数', 'Events'],
  'inc.reopened': ['重开次数', 'Reopened'],
  'inc.overdue': ['超时', 'Overdue'],
  'inc.only_overdue': ['仅超时', 'Overdue only'],
  'inc.owner': ['归属', 'Owner routing'],
  'inc.facts': ['定级事实', 'Facts'],
  'inc.facts_edit': ['修改事实（JSON）', 'Edit facts (JSON)'],
  'inc.clocks': ['时限', 'Clocks'],
  'inc.clock': ['时限', 'Clock'],
  'inc.start': ['起算', 'Start'],
  'inc.deadline': ['截止', 'Deadline'],
  'inc.status': ['状态', 'Status'],
  'inc.met_at': ['完成于', 'Met at'],
  'inc.holder': ['承办方', 'Holder'],
  'inc.policy': ['依据', 'Policy'],
  'inc.mark_met': ['标记完成', 'Mark met'],
  'inc.timeline': ['处置时间线', 'Timeline'],
  'inc.at': ['时间', 'Time'],
  'inc.actor': ['操作人', 'Actor'],
  'inc.action': ['动作', 'Action'],
  'inc.from': ['原状态', 'From'],
  'inc.to': ['新状态', 'To'],
  'inc.reason': ['原因', 'Reason'],
  'inc.details': ['详情', 'Details'],
  'inc.evidence': ['证据', 'Evidence'],
  'inc.ts': ['时间', 'Time'],
  'inc.src': ['源', 'Source'],
  'inc.dst': ['目的', 'Destination'],
  'inc.proto': ['协议', 'Protocol'],
  'inc.signature': ['规则', 'Signature'],
  'inc.actions': ['处置操作', 'Actions'],
  'inc.move_to': ['转为：', 'Move to:'],
  'inc.no_moves': ['当前状态无可用的流转', 'No move is possible from this state'],
  'inc.why': ['原因', 'Reason'],
  'inc.why_hint': ['误报、接受风险、重开、验证失败时必填', 'required for false positive, accepted risk, reopen, failed verification'],
  'inc.expiry': ['风险接受到期', 'Risk accepted until'],
  'inc.assign': ['指派', 'Assign'],
  'inc.assign_to': ['指派给', 'Assign to'],
  'inc.note': ['备注', 'Note'],
  'inc.add_note': ['添加备注', 'Add note'],
  'inc.verify': ['验证', 'Verify'],
  'inc.verify_evidence': ['验证证据', 'Verification evidence'],
  'inc.report': ['事件报告', 'Incident report'],
  'inc.vuln': ['漏洞', 'Vulnerability'],
  'inc.open_states': ['未结', 'open'],
  'inc.moved': ['已转为 {s}', 'Moved to {s}'],
  'inc.saved': ['已保存', 'Saved'],

  'state.new': ['新建', 'new'],
  'state.triaged': ['已研判', 'triaged'],
  'state.assigned': ['已分派', 'assigned'],
  'state.in_progress': ['处置中', 'in progress'],
  'state.rectified': ['已整改', 'rectified'],
  'state.verified': ['已验证', 'verified'],
  'state.closed': ['已关闭', 'closed'],
  'state.false_positive': ['误报', 'false positive'],
  'state.accepted_risk': ['接受风险', 'accepted risk'],
  'level.none': ['无', 'none'],
  'level.general': ['一般', 'general'],
  'level.larger': ['较大', 'larger'],
  'level.major': ['重大', 'major'],
  'level.critical': ['特别重大', 'critical'],
  'clock.pending': ['未到期', 'pending'],
  'clock.met': ['已完成', 'met'],
  'clock.met_late': ['逾期完成', 'met late'],
  'clock.overdue': ['已超时', 'overdue'],
  'action.open': ['创建', 'opened'],
  'action.move': ['流转', 'moved'],
  'action.assign': ['指派', 'assigned'],
  'action.note': ['备注', 'note'],
  'action.verify': ['验证', 'verified'],
  'action.facts': ['修改事实', 'facts'],
  'action.clock': ['时限完成', 'clock met'],
  'action.reopen': ['重开', 'reopened'],
  'action.update': ['更新', 'updated'],
  'action.escalate': ['升级', 'escalated'],
  'cat.none': ['未指定', 'unspecified'],
  'cat.malicious_ip': ['恶意IP地址', 'malicious IP address'],
  'cat.malicious_domain': ['恶意域名', 'malicious domain'],
  'cat.malicious_url': ['恶意URL', 'malicious URL'],
  'cat.malicious_message': ['恶意电子信息', 'malicious message'],
  'cat.malicious_program': ['恶意程序', 'malicious program'],
  'cat.security_hazard': ['安全隐患', 'security hazard'],
  'cat.security_incident': ['网络安全事件', 'security incident'],
  'cat.other': ['其他', 'other'],
  'cat.DDoS': ['DDoS攻击', 'DDoS'],
  'cat.unregistered_asset': ['未登记资产', 'unregistered asset'],
  'kind.ids': ['入侵检测', 'IDS'],
  'kind.intel': ['情报命中', 'intel hit'],
  'kind.flood': ['洪泛攻击', 'flood'],
  'kind.unregistered_asset': ['未登记资产', 'unregistered asset'],
  'kind.vulnerability': ['漏洞', 'vulnerability'],
  'sort.-last_seen': ['最近发现（新→旧）', 'last seen, newest first'],
  'sort.last_seen': ['最近发现（旧→新）', 'last seen, oldest first'],
  'sort.-first_seen': ['首次发现（新→旧）', 'first seen, newest first'],
  'sort.-severity': ['严重度（高→低）', 'severity, highest first'],
  'sort.severity': ['严重度（低→高）', 'severity, lowest first'],
  'sort.id': ['编号', 'ID'],
  'sort.-event_count': ['事件数（多→少）', 'events, most first'],

  'reg.title': ['资产台账', 'Registry'],
  'reg.units': ['单位', 'Units'],
  'reg.assets': ['资产', 'Assets'],
  'reg.persons': ['人员', 'People'],

  'cal.title': ['合规日历', 'Compliance calendar'],
  'cal.as_of': ['基准日期', 'As of'],
  'cal.status': ['状态', 'Status'],
  'cal.unit': ['单位', 'Unit'],
  'cal.rule': ['事项', 'Obligation'],
  'cal.subject': ['对象', 'Subject'],
  'cal.due': ['应完成', 'Due'],
  'cal.done': ['完成', 'Done'],
  'cal.last': ['上次', 'Last'],
  'cal.person': ['责任人', 'Person'],
  'cal.explanation': ['说明', 'Explanation'],
  'cal.overdue': ['已逾期', 'overdue'],
  'cal.due_s': ['即将到期', 'due'],
  'cal.upcoming': ['未到期', 'upcoming'],
  'cal.done_s': ['已完成', 'done'],

  'intel.title': ['威胁情报', 'Threat intelligence'],
  'intel.sources': ['情报源', 'Sources'],
  'intel.search': ['情报检索', 'Search'],
  'intel.contains': ['包含', 'Contains'],
  'intel.type': ['类型', 'Type'],
  'intel.value': ['值', 'Value'],
  'intel.source': ['来源', 'Source'],
  'intel.category': ['类别', 'Category'],
  'intel.import': ['导入情报', 'Import'],
  'intel.file': ['文件', 'File'],
  'intel.format_auto': ['按扩展名', 'by file name'],
  'intel.start_import': ['开始导入', 'Start import'],
  'intel.progress': ['已读 {read} 条，新增 {added}，更新 {updated}，错误 {errors}',
    '{read} read, {added} added, {updated} updated, {errors} errors'],
  'intel.running': ['导入中', 'running'],
  'intel.done': ['导入完成', 'done'],
  'intel.failed': ['导入失败', 'failed'],
  'intel.export': ['导出情报', 'Export'],
  'intel.tlp_max': ['最高 TLP', 'Highest TLP'],
  'intel.need_source': ['请填写来源并选择文件', 'Give a source and choose a file'],

  'rep.title': ['报告', 'Reports'],
  'rep.bulletin': ['月度通报', 'Monthly bulletin'],
  'rep.month': ['月份', 'Month'],
  'rep.vuln': ['含漏洞细节（留审计记录）', 'With vulnerability details (audited)'],
  'rep.notice': ['整改通知', 'Rectification notice'],
  'rep.unit': ['单位', 'Unit'],

  'users.title': ['用户管理', 'Users'],
  'users.role': ['角色', 'Role'],
  'users.units': ['负责单位', 'Units'],
  'users.state': ['状态', 'State'],
  'users.created_at': ['创建时间', 'Created'],
  'users.last_login': ['最近登录', 'Last login'],
  'users.create': ['新建用户', 'Create user'],
  'users.created': ['已创建用户 {n}', 'User {n} created'],
  'users.otp': ['一次性密码（仅显示一次，首次登录须修改）：', 'One-time password (shown once; changed at the first login):'],
  'users.enabled': ['启用', 'enabled'],
  'users.disabled': ['已停用', 'disabled'],
  'users.enable': ['启用', 'Enable'],
  'users.disable': ['停用', 'Disable'],
  'users.must_change': ['待改密', 'must change password'],
  'users.change_role': ['调整角色', 'Change role'],
  'tokens.title': ['API 令牌', 'API tokens'],
  'tokens.label': ['用途', 'Label'],
  'tokens.expires': ['到期', 'Expires'],
  'tokens.last_used': ['最近使用', 'Last used'],
  'tokens.create': ['新建令牌', 'Create token'],
  'tokens.secret': ['令牌（仅显示一次，以 Authorization: Bearer 发送）：', 'Token (shown once; send it as Authorization: Bearer):'],
  'tokens.revoke': ['吊销', 'Revoke'],
  'tokens.revoked': ['已吊销', 'revoked'],
  'audit.title': ['审计日志', 'Audit log'],
  'audit.verify': ['校验日志链', 'Verify the chain'],
  'audit.intact': ['日志链完整（{n} 条）', 'Chain intact ({n} records)'],
  'audit.broken': ['日志链在第 {n} 条被破坏：{r}', 'Chain broken at record {n}: {r}'],
  'audit.object': ['对象', 'Object'],
}

function initial(): Lang {
  try {
    const v = localStorage.getItem(STORE_KEY)
    if (v === 'en' || v === 'zh') return v
  } catch {
    /* storage unavailable: default */
  }
  return 'zh'
}

export const lang = ref<Lang>(initial())

export function setLang(l: Lang): void {
  lang.value = l
  try {
    localStorage.setItem(STORE_KEY, l)
  } catch {
    /* not persisted */
  }
  document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en'
}

// t('common.total', {n: 3}); an unknown key shows itself (visible in review).
export function t(key: string, vars?: Record<string, string | number>): string {
  const e = dict[key]
  let s = e ? e[lang.value === 'zh' ? 0 : 1] : key
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.split(`{${k}}`).join(String(v))
  return s
}

// A label for a code in a family ("state", "level", ...), falling back to
// the server's Chinese label in zh or the raw code.
export function label(family: string, code: string | null | undefined, zh?: string | null): string {
  if (code === null || code === undefined || code === '') return ''
  const e = dict[`${family}.${code}`]
  if (e) return e[lang.value === 'zh' ? 0 : 1]
  if (lang.value === 'zh' && zh) return zh
  return code
}

// Whether the dictionary has a label for a code of a family.
export function hasLabel(family: string, code: string): boolean {
  return `${family}.${code}` in dict
}

// The server gives times as ISO 8601 +08:00; show them without the T and zone.
export function fmtTime(s: string | null | undefined): string {
  if (!s) return ''
  return s.replace('T', ' ').replace(/(\.\d+)?(\+08:00|Z)$/, '')
}

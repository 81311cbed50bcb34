// SPDX-License-Identifier: Apache-2.0
// JSON shapes of the API (docs/API.md) that several views share, and the
// fixed value lists of the incident state machine and levels.

export interface Incident {
  id: string
  kind: string
  title: string
  category: string
  category_title: string
  state: string
  state_zh: string
  level: string
  level_zh: string
  severity: number
  indicator: string
  address: string
  peer: string
  asset: string
  unit: string
  unit_name: string
  dept: string
  person: string
  assignee: string
  first_seen: string
  last_seen: string
  events: number
  reopened: number
  overdue: boolean
  vulnerability: boolean
}

export interface Clock {
  clock: string
  title: string
  start: string
  deadline: string
  status: string
  met_at: string | null
  escalation_step: number
  holder: string
  holder_title: string
  policy: string
  source: string
}

export interface HistoryRow {
  at: string
  actor: string
  action: string
  from: string | null
  to: string | null
  reason: string | null
  details: string | null
}

export interface Evidence {
  event_id: number
  ts: string
  src_ip: string
  src_port: number
  dest_ip: string
  dest_port: number
  proto: string
  signature: string
}

export interface IncidentDetail extends Incident {
  facts: Record<string, unknown>
  clocks: Clock[]
  history: HistoryRow[]
  evidence: Evidence[]
  allowed: string[]
}

export type Row = Record<string, unknown> & { key: string }

export const STATES = [
  'new',
  'triaged',
  'assigned',
  'in_progress',
  'rectified',
  'verified',
  'closed',
  'false_positive',
  'accepted_risk',
]
export const LEVELS = ['none', 'general', 'larger', 'major', 'critical']
export const KINDS = ['ids', 'intel', 'flood', 'unregistered_asset', 'vulnerability']
export const INCIDENT_SORTS = ['-last_seen', 'last_seen', '-first_seen', '-severity', 'severity', 'id', '-event_count']
// moves whose reason is required (state.h): into these, and every reopen
export const NEEDS_WHY = ['false_positive', 'accepted_risk']

// SPDX-License-Identifier: Apache-2.0
// The console's client of the REST API under /api/v1 and the logged-in
// user. The CSRF token lives only in memory and goes with every write;
// the session cookie is HttpOnly and never touched here.
import { reactive, ref, type Ref } from 'vue'

export const BASE = '/api/v1'

export class ApiError extends Error {
  status: number
  code: string
  constructor(status: number, code: string, message: string) {
    super(message)
    this.status = status
    this.code = code
  }
}

export interface Me {
  name: string
  role: string
  role_zh: string
  units: string[]
  must_change: boolean
  permissions: string[]
}

export interface ListReply<T> {
  items: T[]
  total: number
  limit: number
  offset: number
}

export const session = reactive({
  me: null as Me | null,
  csrf: '' as string,
  checked: false,
  notice: '' as string, // shown on the login page (session ended ...)
})

// Called on a 401 (and on a CSRF refusal without a token): set by main.ts
// to send the user to the login page.
let onUnauthorized: (why: string) => void = () => {}
export function setUnauthorizedHandler(fn: (why: string) => void): void {
  onUnauthorized = fn
}

export function can(perm: string): boolean {
  return !!session.me && session.me.permissions.includes(perm)
}

// Query string from an object, skipping empty values.
export function qs(q: Record<string, string | number | boolean | null | undefined>): string {
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined || v === null || v === '' || v === false) continue
    p.set(k, String(v))
  }
  const s = p.toString()
  return s ? `?${s}` : ''
}

// An address for downloads (reports, exports): a plain GET with the cookie.
export function url(path: string, q?: Record<string, string | number | boolean | null | undefined>): string {
  return `${BASE}${path}${q ? qs(q) : ''}`
}

export interface ReqOpts {
  body?: unknown
  raw?: Blob | string
  contentType?: string
  quiet401?: boolean
}

export async function request<T>(method: string, path: string, o: ReqOpts = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' }
  let body: BodyInit | undefined
  if (o.raw !== undefined) {
    body = o.raw
    headers['Content-Type'] = o.contentType || 'application/octet-stream'
  } else if (o.body !== undefined) {
    body = JSON.stringify(o.body)
    headers['Content-Type'] = 'application/json'
  }
  if (method !== 'GET' && session.csrf) headers['X-CSRF-Token'] = session.csrf
  const r = await fetch(`${BASE}${path}`, { method, headers, body, credentials: 'same-origin' })
  if (r.status === 204) return undefined as T
  const text = await r.text()
  let j: unknown = null
  if (text) {
    try {
      j = JSON.parse(text)
    } catch {
      j = null
    }
  }
  if (!r.ok) {
    const e = (j as { error?: { code?: string; message?: string } } | null)?.error
    const err = new ApiError(r.status, e?.code || String(r.status), e?.message || r.statusText)
    if (r.status === 401 && !o.quiet401) {
      session.me = null
      session.csrf = ''
      mark(false)
      onUnauthorized('')
    } else if (err.code === 'csrf' && !session.csrf) {
      // reloaded page: the cookie lives on but the token is gone
      onUnauthorized('login.relogin')
    }
    throw err
  }
  return j as T
}

export const get = <T>(path: string, q?: Record<string, string | number | boolean | null | undefined>) =>
  request<T>('GET', path + (q ? qs(q) : ''))
export const post = <T>(path: string, body?: unknown) => request<T>('POST', path, { body: body ?? {} })
export const put = <T>(path: string, body?: unknown) => request<T>('PUT', path, { body: body ?? {} })
export const del = <T>(path: string) => request<T>('DELETE', path)

// Whether this browser logged in and has not logged out: without it the
// console does not ask /me (a 401 there would only log a failed request).
const MARK = 'panshi.session'
function mark(on: boolean): void {
  try {
    if (on) localStorage.setItem(MARK, '1')
    else localStorage.removeItem(MARK)
  } catch {
    /* storage unavailable */
  }
}
function marked(): boolean {
  try {
    return localStorage.getItem(MARK) === '1'
  } catch {
    return true
  }
}

type Query = Record<string, string | number | boolean | null | undefined>

// A filtered list with paging: `load(offset)` reads the page of `path` with
// the current `filters`; a failure goes to `error` and keeps the last page.
export function usePagedList<T>(path: string, filters: Query, limit: number) {
  const list: Ref<ListReply<T> | null> = ref(null)
  const error = ref('')
  async function load(offset = 0): Promise<void> {
    try {
      list.value = await get<ListReply<T>>(path, { ...filters, limit, offset })
      error.value = ''
    } catch (e) {
      error.value = errText(e)
    }
  }
  return { list, error, load }
}

export async function loadMe(): Promise<Me | null> {
  if (!session.csrf && !marked()) {
    session.me = null
    session.checked = true
    return null
  }
  try {
    // a reloaded page gets its session's CSRF token back, so it can write
    const me = await request<Me & { csrf_token?: string }>('GET', '/me', { quiet401: true })
    if (me && me.csrf_token) {
      session.csrf = me.csrf_token
      delete me.csrf_token
    }
    session.me = me
  } catch {
    session.me = null
  }
  mark(!!session.me)
  session.checked = true
  return session.me
}

export async function login(name: string, password: string): Promise<Me> {
  const r = await request<{ user: Me; csrf_token: string }>('POST', '/sessions', {
    body: { name, password },
    quiet401: true,
  })
  session.csrf = r.csrf_token
  session.notice = ''
  const me = await loadMe()
  if (!me) throw new ApiError(401, 'unauthorized', 'login failed')
  return me
}

export async function logout(): Promise<void> {
  try {
    await request('DELETE', '/sessions/current', { quiet401: true })
  } catch {
    /* gone anyway */
  }
  session.me = null
  session.csrf = ''
  mark(false)
}

// A message for an error in the page.
export function errText(e: unknown): string {
  if (e instanceof ApiError) return `${e.message} (${e.code})`
  if (e instanceof Error) return e.message
  return String(e)
}

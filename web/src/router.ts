// SPDX-License-Identifier: Apache-2.0
// Routes of the console (hash history, so the server needs no fallback)
// and the guard that sends a visitor to login, a user with a one-time
// password to the password page and everyone away from menus they lack.
import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router'
import { session, loadMe, can } from './api'
import LoginView from './views/LoginView.vue'
import PasswordView from './views/PasswordView.vue'
import DashboardView from './views/DashboardView.vue'
import IncidentsView from './views/IncidentsView.vue'
import IncidentView from './views/IncidentView.vue'
import RegistryView from './views/RegistryView.vue'
import CalendarView from './views/CalendarView.vue'
import IntelView from './views/IntelView.vue'
import ReportsView from './views/ReportsView.vue'
import AuditView from './views/AuditView.vue'
import UsersView from './views/UsersView.vue'
import EventsView from './views/EventsView.vue'
import TokensView from './views/TokensView.vue'

// The menu: path, label key, permission.
export const MENU: { path: string; label: string; perm: string }[] = [
  { path: '/', label: 'nav.dashboard', perm: 'events.read' },
  { path: '/incidents', label: 'nav.incidents', perm: 'incidents.read' },
  { path: '/events', label: 'nav.events', perm: 'events.read' },
  { path: '/registry', label: 'nav.registry', perm: 'registry.read' },
  { path: '/calendar', label: 'nav.calendar', perm: 'registry.read' },
  { path: '/intel', label: 'nav.intel', perm: 'intel.read' },
  { path: '/reports', label: 'nav.reports', perm: 'reports.read' },
  { path: '/audit', label: 'nav.audit', perm: 'audit.read' },
  { path: '/users', label: 'nav.users', perm: 'users.manage' },
]

const routes: RouteRecordRaw[] = [
  { path: '/login', component: LoginView, meta: { public: true } },
  { path: '/password', component: PasswordView },
  { path: '/', component: DashboardView, meta: { perm: 'events.read' } },
  { path: '/incidents', component: IncidentsView, meta: { perm: 'incidents.read' } },
  { path: '/incidents/:id', component: IncidentView, props: true, meta: { perm: 'incidents.read' } },
  { path: '/registry', component: RegistryView, meta: { perm: 'registry.read' } },
  { path: '/calendar', component: CalendarView, meta: { perm: 'registry.read' } },
  { path: '/intel', component: IntelView, meta: { perm: 'intel.read' } },
  { path: '/reports', component: ReportsView, meta: { perm: 'reports.read' } },
  { path: '/audit', component: AuditView, meta: { perm: 'audit.read' } },
  { path: '/events', component: EventsView, meta: { perm: 'events.read' } },
  { path: '/users', component: UsersView, meta: { perm: 'users.manage' } },
  { path: '/tokens', component: TokensView },
  { path: '/:rest(.*)*', redirect: '/' },
]

export const router = createRouter({ history: createWebHashHistory(), routes })

// The first menu this user may open ('/tokens' when it has none).
export function home(): string {
  const m = MENU.find((x) => can(x.perm))
  return m ? m.path : '/tokens'
}

router.beforeEach(async (to) => {
  if (!session.checked) await loadMe()
  if (to.meta.public) return session.me && !session.me.must_change && session.csrf ? home() : true
  if (!session.me) return { path: '/login', query: to.fullPath !== '/' ? { next: to.fullPath } : {} }
  if (session.me.must_change && to.path !== '/password') return '/password'
  const perm = to.meta.perm as string | undefined
  if (perm && !can(perm)) {
    const h = home()
    return h === to.path ? true : h
  }
  return true
})

// SPDX-License-Identifier: Apache-2.0
// Entry of the Panshi console: mounts the app with its router and sends
// the user to the login page whenever the API answers 401.
import { createApp } from 'vue'
import App from './App.vue'
import { router } from './router'
import { session, setUnauthorizedHandler } from './api'
import { lang, setLang } from './i18n'
import './style.css'

setLang(lang.value)
setUnauthorizedHandler((why) => {
  session.notice = why
  session.me = null
  const cur = router.currentRoute.value
  if (cur.path !== '/login') void router.push({ path: '/login', query: { next: cur.fullPath } })
})

createApp(App).use(router).mount('#app')

#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// The web console end to end in Debian's headless Chromium (playwright-core,
// never a downloaded browser): a store with the sample data, `panshi serve`
// on a loopback port, then log in (changing the one-time password), open the
// dashboard and wait for its charts, move INC-000004 new -> triaged ->
// assigned (assign P-LI) -> in_progress -> rectified checking the timeline,
// switch to English and open every menu (importing intel with progress),
// then the audit administrator's console. Any console error or uncaught
// exception in the page fails the test. Screenshots go to OUTDIR.
//
// usage: node tests/browser/console.test.mjs PANSHI [OUTDIR]
// exit 0 passed, 1 failed, 77 skipped (no chromium, playwright-core, panshi).
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const CHROMIUM = process.env.PANSHI_CHROMIUM || '/usr/bin/chromium'
const INCIDENT = 'INC-000004'
const PASSWORD = 'Browser-Test-Pa55word!'

function skip(why) {
  console.log(`skipped: ${why}`)
  process.exit(77)
}

const exe = process.argv[2] ? path.resolve(process.argv[2]) : ''
const outDir = path.resolve(process.argv[3] || '.')
if (!exe || !fs.existsSync(exe)) skip(`panshi binary missing (${exe || 'none given'})`)
if (!fs.existsSync(CHROMIUM)) skip(`${CHROMIUM} missing`)
if (!fs.existsSync(path.join(SRC, 'web/node_modules/playwright-core'))) {
  skip('web/node_modules/playwright-core missing (run scripts/build-web.sh)')
}
const { chromium } = createRequire(path.join(SRC, 'web/package.json'))('playwright-core')

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'panshi-web-'))
const env = {
  ...process.env,
  PANSHI_DB: path.join(tmp, 't.db'),
  PANSHI_LANG: 'en',
  PANSHI_CONFIG: path.join(SRC, 'samples/panshi-sample.yaml'),
  PANSHI_FRAMEWORK_DIR: path.join(SRC, 'frameworks'),
  PANSHI_AUDIT_KEY: path.join(tmp, 'audit.key'),
}

// panshi ARGS in the source tree; its stdout, or a failure naming the command.
function panshi(...args) {
  const input = typeof args[args.length - 1] === 'object' ? args.pop().input : undefined
  const r = spawnSync(exe, args, { cwd: SRC, env, encoding: 'utf8', timeout: 240000, input })
  if (r.status !== 0) {
    throw new Error(`panshi ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stdout}${r.stderr}`)
  }
  return r.stdout
}

function buildConsole() {
  const r = spawnSync('bash', [path.join(SRC, 'scripts/build-web.sh')], { cwd: SRC, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`scripts/build-web.sh failed:\n${r.stdout}${r.stderr}`)
  if (!fs.existsSync(path.join(SRC, 'web/dist/index.html'))) skip('web/dist not built (node/npm missing)')
}

function loadSample() {
  panshi('--quiet', 'init')
  panshi('registry', 'import', 'samples/registry/demo-operator.yaml')
  panshi('intel', 'import', '--source', 'panshi-demo', 'samples/intel/demo-indicators.csv')
  panshi('event', 'import', 'samples/events/sample-eve.jsonl')
  panshi('event', 'import', 'samples/events/demo-alerts-2026-11.jsonl')
  panshi('case', 'correlate')
  const out = panshi('user', 'add', 'admin', '--role', 'analyst')
  const m = out.match(/one-time password[^\n]*?:\s*(\S+)\s*$/m)
  if (!m) throw new Error(`no one-time password in:\n${out}`)
  panshi('user', 'add', 'auditor1', '--role', 'auditor', '--password-stdin', { input: `${PASSWORD}\n` })
  return m[1]
}

// Start the server; resolve with its base URL read from its output.
function serve() {
  const srv = spawn(exe, ['serve', '--listen', '127.0.0.1:0', '--web-root', path.join(SRC, 'web/dist')], {
    cwd: SRC,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let seen = ''
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not say where it listens:\n${seen}`)), 30000)
    const look = (chunk) => {
      seen += chunk
      const m = seen.match(/serving on (https?:\/\/[^\s/]+:(\d+))/) || seen.match(/127\.0\.0\.1:(\d+)/)
      if (m) {
        clearTimeout(timer)
        const port = m[2] || m[1]
        resolve(`http://127.0.0.1:${port}/`)
      }
    }
    srv.stdout.setEncoding('utf8').on('data', look)
    srv.stderr.setEncoding('utf8').on('data', look)
    srv.on('exit', (code, sig) => {
      clearTimeout(timer)
      reject(new Error(`server exited (${code ?? sig}):\n${seen}`))
    })
  })
  return { srv, ready, output: () => seen }
}

// SIGTERM the server; resolve with its exit status (0 when it stopped cleanly;
// under the sanitizers a leak or error at shutdown makes it non-zero).
function stop(srv) {
  if (!srv || srv.exitCode !== null || srv.signalCode !== null) return Promise.resolve(srv ? srv.exitCode : 0)
  return new Promise((resolve) => {
    const kill = setTimeout(() => srv.kill('SIGKILL'), 10000)
    srv.once('exit', (code, sig) => {
      clearTimeout(kill)
      resolve(sig ? sig : code)
    })
    srv.kill('SIGTERM')
  })
}

const checks = []
function check(cond, what) {
  if (!cond) {
    checks.push(what)
    console.log(`FAIL: ${what}`)
  }
}

// Wait for the result of an incident action; throw with the page's message.
async function acted(page) {
  const r = await page.waitForSelector('[data-test=act-ok], [data-test=act-error]')
  const txt = await r.textContent()
  if ((await r.getAttribute('data-test')) === 'act-error') throw new Error(`action refused: ${txt}`)
}

async function move(page, to) {
  await page.click(`[data-test=move-${to}]`)
  await acted(page)
  await page.waitForSelector(`[data-test=timeline] li[data-to=${to}]`)
}

// Import a small CSV through the console and wait for the job to finish.
async function intelImport(page) {
  const csv = path.join(tmp, 'console-iocs.csv')
  fs.writeFileSync(csv, 'value,type,category\n203.0.113.50,ipv4,malicious_ip\nbad.example.net,domain,malicious_domain\n')
  await page.setInputFiles('[data-test=intel-import] input[type=file]', csv)
  await page.fill('[data-test=intel-import] input[name=source]', 'console-test')
  await page.click('[data-test=intel-import] button[type=submit]')
  const st = await page.waitForSelector('[data-test=import-state][data-state=done], [data-test=import-state][data-state=failed]')
  check((await st.getAttribute('data-state')) === 'done', `the import is done: ${await page.textContent('.progress-wrap')}`)
  check((await page.getAttribute('[data-test=import-progress]', 'value')) === '100', 'the progress bar is full')
  // the server chose the format from the file's name and records where it came from
  const src = JSON.parse(panshi('intel', 'sources', '--format', 'json')).find((x) => x.name === 'console-test')
  check(src && src.format === 'csv' && src.imported === '2' && /^upload:console-iocs\.csv by web:/.test(src.location),
    `the source records a CSV upload: ${JSON.stringify(src)}`)
}

async function run(page, base) {
  // log in with the one-time password, then change it
  await page.goto(base)
  await page.waitForSelector('[data-test=login-form]')
  await page.fill('input[name=name]', 'admin')
  await page.fill('input[name=password]', run.otp)
  await page.click('[data-test=login-submit]')
  await page.waitForSelector('[data-test=password-form]')
  await page.fill('input[name=old]', run.otp)
  await page.fill('input[name=new]', PASSWORD)
  await page.fill('input[name=again]', PASSWORD)
  await page.click('[data-test=password-submit]')

  // the dashboard and its charts
  await page.waitForSelector('[data-test=dashboard]')
  await page.waitForSelector('[data-test=updated]')
  await page.waitForFunction(() => document.querySelectorAll('.chart canvas').length >= 6)
  check((await page.textContent('.top .brand')) === '磐石', 'the brand in Chinese by default')
  check((await page.textContent('[data-test=nav-incidents]')).trim() === '事件处置', 'zh-CN menu by default')
  await page.waitForTimeout(800) // chart animations
  await page.screenshot({ path: path.join(outDir, 'console-dashboard.png'), fullPage: true })

  // the incident list, then INC-000004 through the loop
  await page.click('[data-test=nav-incidents]')
  await page.waitForSelector('[data-test=incident-list] tbody tr')
  const link = await page.$(`[data-test=inc-${INCIDENT}]`)
  if (link) await link.click()
  else await page.evaluate((id) => (window.location.hash = `#/incidents/${id}`), INCIDENT)
  await page.waitForSelector('[data-test=timeline] li')
  if (await page.$('[data-test=move-triaged]')) await move(page, 'triaged')
  await page.selectOption('[data-test=person]', 'P-LI')
  await page.click('[data-test=assign]')
  await acted(page)
  await page.waitForSelector('[data-test=timeline] li[data-to=assigned]')
  check((await page.textContent('[data-test=assignee]')).trim() === 'P-LI', 'assigned to P-LI')
  await move(page, 'in_progress')
  await move(page, 'rectified')
  const moves = await page.$$eval('[data-test=timeline] li[data-to]', (lis) =>
    lis.map((li) => li.getAttribute('data-to')).filter((x) => x),
  )
  for (const s of ['triaged', 'assigned', 'in_progress', 'rectified']) {
    check(moves.includes(s), `the timeline shows the move to ${s}: ${moves.join(',')}`)
  }
  check(moves[moves.length - 1] === 'rectified', `rectified is the last move: ${moves.join(',')}`)
  check(!(await page.$('[data-test=move-rectified]')), 'no move to rectified from rectified')
  await page.screenshot({ path: path.join(outDir, 'console-incident.png'), fullPage: true })

  // English, kept across a reload of the language from localStorage
  await page.click('[data-test=lang]')
  await page.waitForFunction(() => document.querySelector('[data-test=nav-incidents]')?.textContent?.trim() === 'Incidents')
  check((await page.textContent('[data-test=timeline]')).length > 0, 'timeline still shown')
  check((await page.evaluate(() => localStorage.getItem('panshi.lang'))) === 'en', 'the language is remembered')
  const h2 = await page.$$eval('h2', (hs) => hs.map((h) => h.textContent?.trim()))
  check(h2.includes('Timeline') && h2.includes('Evidence'), `English headings: ${h2.join(', ')}`)

  // a reload keeps the session able to write (its CSRF token comes back from /me)
  await page.reload()
  await page.waitForSelector('[data-test=timeline]')
  check(!(await page.$('[data-test=readonly]')), 'no read-only bar after a reload')
  check(!!(await page.$('[data-test=move-verified]')) || !!(await page.$('[data-test=move-in_progress]')),
    'the moves are offered after a reload')

  // every other menu opens without an error in the page
  for (const [nav, root] of [
    ['events', 'events'],
    ['registry', 'registry'],
    ['calendar', 'calendar'],
    ['intel', 'intel'],
    ['reports', 'reports'],
    ['', 'dashboard'],
  ]) {
    await page.click(`[data-test="nav-${nav}"]`)
    await page.waitForSelector(`[data-test=${root}]`)
    await page.waitForLoadState('networkidle')
    const err = await page.$$eval('.error', (es) => es.map((e) => e.textContent).join(' | '))
    check(!err, `no error shown on ${root}: ${err}`)
    if (root === 'intel') await intelImport(page)
    if (root === 'events') {
      const rows = await page.$$('[data-test=events] tbody tr.clickable')
      check(rows.length > 0, 'the event search lists the imported events')
    }
  }
  await page.click('[data-test="nav-registry"]')
  await page.waitForSelector('[data-test=registry] tbody tr')
  await page.screenshot({ path: path.join(outDir, 'console-registry-en.png'), fullPage: true })

  // log out; the audit administrator sees the audit log and nothing else
  await page.click('[data-test=logout]')
  await page.waitForSelector('[data-test=login-form]')
  await page.fill('input[name=name]', 'auditor1')
  await page.fill('input[name=password]', PASSWORD)
  await page.click('[data-test=login-submit]')
  await page.waitForSelector('[data-test=audit] tbody tr')
  const menu = await page.$$eval('[data-test=menu] a', (as) => as.map((a) => a.getAttribute('data-test')))
  check(menu.length === 1 && menu[0] === 'nav-audit', `the auditor's menu is the audit log only: ${menu.join(',')}`)
  await page.click('[data-test=audit-verify]')
  await page.waitForSelector('[data-test=audit-result]')
  check((await page.getAttribute('[data-test=audit-result]', 'class')) === 'ok', 'the audit chain is intact')
}

let server = null
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    if (server) server.srv.kill('SIGKILL')
    fs.rmSync(tmp, { recursive: true, force: true })
    process.exit(1)
  })
}

async function main() {
  let browser = null
  const pageErrors = []
  try {
    buildConsole()
    run.otp = loadSample()
    server = serve()
    const base = await server.ready
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox'] })
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' })
    const page = await ctx.newPage()
    page.setDefaultTimeout(20000)
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(`console: ${m.text()}`)
    })
    page.on('pageerror', (e) => pageErrors.push(`exception: ${e.message}`))
    fs.mkdirSync(outDir, { recursive: true })
    await run(page, base)
  } catch (e) {
    checks.push(e.message)
    console.log(`FAIL: ${e.stack || e.message}`)
    if (server) console.log(`server output:\n${server.output().slice(-4000)}`)
  } finally {
    if (browser) await browser.close().catch(() => {})
    if (server) {
      const st = await stop(server.srv)
      if (st !== 0 && !checks.length) {
        checks.push(`the server stopped with ${st}`)
        console.log(`FAIL: the server stopped with ${st}:\n${server.output().slice(-4000)}`)
      }
    }
    fs.rmSync(tmp, { recursive: true, force: true })
  }
  for (const e of pageErrors) console.log(`FAIL: page ${e}`)
  const failed = checks.length + pageErrors.length
  if (failed) {
    console.log(`${failed} failure(s)`)
    return 1
  }
  console.log(`console: all checks passed (screenshots in ${outDir})`)
  return 0
}

process.exitCode = await main()

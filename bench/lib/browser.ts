// The designer in headless Chromium for the browser benches (form-designer-drag, records-scroll): the production
// build in a temporary folder, served by a real server on PGlite, driven by playwright-core. playwright-core and
// Vite are the designer's own dev dependencies (its browser tests use them): the benches take them from there,
// and the Chromium they launch is the one the browser tests launch.
import { buildApp, migrateToLatest, openDatabase, type Database } from '@trellis/server'
import type { FastifyInstance } from 'fastify'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type * as Playwright from '../../apps/designer/node_modules/playwright-core/index.js'
import { CHROMIUM, CHROMIUM_ARGS } from '../../apps/designer/test/support/chromium.js'

export type Page = Playwright.Page

const designerRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../apps/designer')
const benchAdmin = { username: 'bench_admin', password: 'bench-password' }

export interface DesignerBench {
  url: string
  trellis: FastifyInstance
  database: Database
  browser: Playwright.Browser
  close(): Promise<void>
}

/** The designer's production build into a temporary folder with Vite's CLI (the checked-out dist/ stays). */
function buildDesigner(outDir: string): void {
  execFileSync(
    path.join(designerRoot, 'node_modules/.bin/vite'),
    ['build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'],
    { cwd: designerRoot, env: { ...process.env, NODE_ENV: 'production' }, stdio: 'inherit' },
  )
}

/**
 * Builds the designer, starts a server on an in-memory PGlite with an admin to log in as, lets `prepare` put
 * in the apps and records the bench needs, then listens on a loopback port and launches Chromium.
 */
export async function serveDesigner(
  bench: string,
  prepare: (trellis: FastifyInstance, database: Database) => Promise<void>,
): Promise<DesignerBench> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${bench} needs Chromium at ${CHROMIUM}`)
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `trellis-bench-${bench}-`))
  const outDir = path.join(tmp, 'dist')
  buildDesigner(outDir)
  const database = await openDatabase({})
  let trellis: FastifyInstance | undefined
  let browser: Playwright.Browser | undefined
  const close = async () => {
    await browser?.close()
    await trellis?.close()
    await database.close()
    fs.rmSync(tmp, { recursive: true, force: true })
  }
  try {
    await migrateToLatest(database.db)
    trellis = await buildApp({
      config: { designerDir: outDir, timeZone: 'Asia/Shanghai', dataDir: path.join(tmp, 'data') },
      database,
    })
    await trellis.trellis.users.create({ ...benchAdmin, isAdmin: true })
    await prepare(trellis, database)
    await trellis.listen({ port: 0, host: '127.0.0.1' })
    const address = trellis.server.address()
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
    const fromDesigner = createRequire(path.join(designerRoot, 'package.json'))
    const { chromium } = fromDesigner('playwright-core') as typeof Playwright
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true })
    return { url, trellis, database, browser, close }
  } catch (error) {
    await close()
    throw error
  }
}

/** Opens `url` (a page behind the login) and logs in as the bench's admin through the login form. */
export async function logIn(page: Page, url: string): Promise<void> {
  await page.goto(url)
  await page.getByLabel('用户名').fill(benchAdmin.username)
  await page.getByLabel('密码').fill(benchAdmin.password)
  await page.getByRole('button', { name: '登录', exact: true }).click()
}

export interface Frames {
  /** requestAnimationFrame deltas, in ms. */
  deltas: number[]
  /** Long animation frames (PerformanceObserver 'long-animation-frame') seen meanwhile. */
  longFrames: number
}

/**
 * The page's frame recorder: every requestAnimationFrame delta, and the long animation frames, until stopped.
 * Page scripts are sources, not functions: tsx would wrap a function's inner closures in a helper the page lacks.
 */
const START_FRAMES = `(() => {
  const state = { deltas: [], longFrames: 0, stop: false }
  window.__benchFrames = state
  try {
    new PerformanceObserver((list) => {
      if (!state.stop) state.longFrames += list.getEntries().length
    }).observe({ type: 'long-animation-frame' })
  } catch {}
  let last = 0
  const tick = (now) => {
    if (state.stop) return
    state.deltas.push(now - last)
    last = now
    requestAnimationFrame(tick)
  }
  requestAnimationFrame((now) => {
    last = now
    requestAnimationFrame(tick)
  })
})()`
const STOP_FRAMES = `(() => {
  window.__benchFrames.stop = true
  return { deltas: window.__benchFrames.deltas, longFrames: window.__benchFrames.longFrames }
})()`

export const startFrames = (page: Page) => page.evaluate(START_FRAMES)
export const stopFrames = (page: Page) => page.evaluate<Frames>(STOP_FRAMES)

import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildApp, migrateToLatest, openDatabase, type Database } from '@trellis/server'
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core'
import { build } from 'vite'
import { inject } from 'vitest'
import { CHROMIUM, CHROMIUM_ARGS } from './chromium'

export { CHROMIUM, CHROMIUM_ARGS }

/** The platform admin the tests log in as, through the login page. */
export const ADMIN = { username: 'admin', password: 'designer-test-password' }

const designerRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const resultsDir = path.join(designerRoot, 'test-results')

export interface RigOptions {
  /** Install the CRM retention template with this many demo customers (as the quick start does). */
  crm?: { size: number }
  viewport?: { width: number; height: number }
}

export interface BrowserRig {
  url: string
  page: Page
  /** Console errors and uncaught exceptions seen by the page; the suite expects none. */
  consoleErrors: string[]
  /** Runs the server's due rule jobs and outbox events until idle (buildApp starts no background worker). */
  drainAutomation(): Promise<void>
  close(): Promise<void>
}

/**
 * The production build of the designer, made once per test run: the first browser test file to ask builds it
 * (Vite's JS API, into the folder vitest's global setup chose, so the checked-out dist/ is never touched); the
 * others wait for its marker. A lock directory, because each test file runs in its own worker.
 */
async function designerBuild(): Promise<string> {
  const root = inject('designerBuildRoot')
  const outDir = path.join(root, 'dist')
  const done = path.join(root, 'built')
  const failed = path.join(root, 'failed')
  let owner = false
  try {
    fs.mkdirSync(path.join(root, 'lock'))
    owner = true
  } catch {
    // another worker is building
  }
  if (owner) {
    // vitest sets NODE_ENV=test, which would make Vite bundle React's development build; ship what users get.
    const nodeEnv = process.env.NODE_ENV
    process.env.NODE_ENV = 'production'
    try {
      await build({
        root: designerRoot,
        mode: 'production',
        logLevel: 'warn',
        build: { outDir, emptyOutDir: true },
      })
      fs.writeFileSync(done, '')
    } catch (error) {
      fs.writeFileSync(failed, String(error))
      throw error
    } finally {
      process.env.NODE_ENV = nodeEnv
    }
    return outDir
  }
  for (;;) {
    if (fs.existsSync(done)) return outDir
    if (fs.existsSync(failed)) throw new Error(`designer build failed: ${fs.readFileSync(failed, 'utf8')}`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

/** The CRM template and its demo data, installed the way an admin would: through the API. */
async function installCrm(app: Awaited<ReturnType<typeof buildApp>>, crm: { size: number }): Promise<void> {
  const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: ADMIN })
  const csrf = (login.json() as { csrfToken: string }).csrfToken
  const cookie = login.cookies.map((c) => `${c.name}=${c.value}`).join('; ')
  const installed = await app.inject({
    method: 'POST',
    url: '/api/templates/crm-retention/install',
    headers: { cookie, 'x-csrf-token': csrf },
    payload: { demo: true, size: crm.size },
  })
  if (installed.statusCode !== 201) throw new Error(`CRM install failed: ${installed.body}`)
}

/**
 * A real server on an in-memory PGlite serving the production build of the designer (Vite's JS API,
 * into a temporary folder, so the checked-out dist/ is never touched), and one Chromium page on it.
 */
export async function startRig(options: RigOptions = {}): Promise<BrowserRig> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-designer-'))
  const outDir = await designerBuild()

  let database: Database | undefined
  let app: Awaited<ReturnType<typeof buildApp>> | undefined
  let browser: Browser | undefined
  try {
    database = await openDatabase({})
    await migrateToLatest(database.db)
    app = await buildApp({
      config: { designerDir: outDir, timeZone: 'Asia/Shanghai', dataDir: path.join(tmp, 'data') },
      database,
    })
    await app.trellis.users.create({ ...ADMIN, isAdmin: true })
    if (options.crm) await installCrm(app, options.crm)
    await app.listen({ port: 0, host: '127.0.0.1' })
    const address = app.server.address()
    const port = typeof address === 'object' && address ? address.port : 0

    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true })
    const context: BrowserContext = await browser.newContext({
      viewport: options.viewport ?? { width: 1440, height: 900 },
    })
    const page = await context.newPage()
    page.setDefaultTimeout(10_000)
    const consoleErrors: string[] = []
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text())
    })
    page.on('pageerror', (error) => consoleErrors.push(error.message))
    // Chromium's console line for a failed fetch has no address; keep which one it was beside it.
    page.on('response', (response) => {
      if (response.status() >= 400)
        consoleErrors.push(
          `HTTP ${response.status()} ${response.request().method()} ${new URL(response.url()).pathname}`,
        )
    })

    const opened = { database, app, browser }
    return {
      url: `http://127.0.0.1:${port}`,
      page,
      consoleErrors,
      async drainAutomation() {
        await opened.app.automation.drain()
      },
      async close() {
        await opened.browser.close()
        await opened.app.close()
        await opened.database.close()
        fs.rmSync(tmp, { recursive: true, force: true })
      },
    }
  } catch (error) {
    await browser?.close()
    await app?.close()
    await database?.close()
    throw error
  }
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(resultsDir, { recursive: true })
  await page.screenshot({ path: path.join(resultsDir, `${name}.png`), fullPage: true })
}

/**
 * A drag as a user makes it: press, move past dnd-kit's activation distance, glide to the target, release.
 * `offset` moves the drop point from the target's centre (negative x drops on its left half).
 */
export async function drag(page: Page, from: Locator, to: Locator, offset = { x: 0, y: 0 }): Promise<void> {
  const source = await from.boundingBox()
  const target = await to.boundingBox()
  if (!source || !target) throw new Error('drag: source or target is not visible')
  const start = { x: source.x + source.width / 2, y: source.y + source.height / 2 }
  await page.mouse.move(start.x, start.y)
  await page.mouse.down()
  await page.mouse.move(start.x + 12, start.y + 12, { steps: 4 })
  await page.mouse.move(target.x + target.width / 2 + offset.x, target.y + target.height / 2 + offset.y, {
    steps: 12,
  })
  await page.mouse.up()
}

export function chromiumAvailable(): boolean {
  return fs.existsSync(CHROMIUM)
}

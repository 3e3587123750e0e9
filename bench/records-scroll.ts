// Scrolling the workspace record table of a form holding 100,000 records, in headless Chromium on the
// designer's production build, served by a real server on PGlite. The page records every frame
// (requestAnimationFrame deltas) while wheel events scroll the table for several seconds, loading pages as it
// nears the end, as a user flinging through a long list does (the table holds the pages loaded so far; the
// count says 100,000). The baseline in the same run is the same scroll over a 100-row table; the idle page's
// frames are reported beside them (the machine's own floor). On a shared machine the figures move a lot from
// run to run: compare ours with the baseline of the same run.
import type { Database } from '@trellis/server'
import { sql } from 'kysely'
import { logIn, serveDesigner, startFrames, stopFrames, type Page } from './lib/browser.js'
import { benchApp } from './lib/customers-app.js'
import { percentile } from './lib/postgres.js'
import { compare, type Comparison } from './lib/report.js'

const BIG = Number(process.env.TRELLIS_BENCH_SCROLL_ROWS ?? 100_000)
const SMALL = 100
/** How long each table is scrolled, and how far one wheel event moves it (15 rows: a quick fling). */
const SCROLL_MS = Number(process.env.TRELLIS_BENCH_SCROLL_MS ?? 6_000)
const WHEEL_DELTA = 600
const WHEEL_EVERY_MS = 16
/**
 * A frame's budget at 60 Hz. requestAnimationFrame deltas come in whole vsync intervals with a little jitter
 * (16.7 ms ± 0.5), so a frame counts as over budget when it took more than one and a half intervals: the
 * page missed at least one vsync.
 */
const FRAME_BUDGET = 1000 / 60
const LATE = 1.5 * FRAME_BUDGET

interface FrameStats {
  frames: number
  p50: number
  p95: number
  max: number
  /** Share of frames over the 16.7 ms budget (a vsync missed), in %. */
  slow: number
  /** How far the table got: the index of the last row in view, and rows loaded. */
  reached: number
  loaded: number
}

/** `count` customers straight into the form's table with one statement (the write API is not measured here). */
async function fill(database: Database, app: string, count: number): Promise<void> {
  const table = sql.table(`app_${app}.customers`)
  await sql`insert into ${table} (name, phone, city, tier, points, spent, birthday, tags)
    select '客户 ' || i, '+86138' || lpad(i::text, 8, '0'), (array['上海', '北京', '杭州', '成都'])[1 + i % 4],
      (array['normal', 'silver', 'gold', 'vip', 'lost'])[1 + i % 5], i % 5000, (i % 997)::numeric + 0.5,
      date '1970-01-01' + i % 15000, array['老客', '烘焙']
    from generate_series(1, ${count}) as i`.execute(database.db)
}

function stats(deltas: number[], reached: number, loaded: number): FrameStats {
  const sorted = [...deltas].sort((a, b) => a - b)
  return {
    frames: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    max: sorted.at(-1) ?? NaN,
    slow: (100 * sorted.filter((d) => d > LATE).length) / Math.max(1, sorted.length),
    reached,
    loaded,
  }
}

async function measure(page: Page, scroll: boolean): Promise<FrameStats> {
  const table = page.getByTestId('records-table')
  const box = (await table.boundingBox())!
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
  await startFrames(page)
  const until = Date.now() + SCROLL_MS
  while (Date.now() < until) {
    if (scroll) await page.mouse.wheel(0, WHEEL_DELTA)
    await new Promise((resolve) => setTimeout(resolve, WHEEL_EVERY_MS))
  }
  const { deltas } = await stopFrames(page)
  const { reached, loaded } = await table.evaluate((el) => ({
    reached: Math.round((el.scrollTop + el.clientHeight) / 40),
    loaded: Number(el.getAttribute('aria-rowcount')),
  }))
  return stats(deltas, reached, loaded)
}

async function openTable(page: Page, url: string, app: string, rows: number): Promise<void> {
  await page.goto(`${url}/w/${app}/records/customers`)
  await page.getByTestId('records-table').locator('[data-record]').first().waitFor()
  const count = await page.getByTestId('record-count').textContent()
  if (!count || Number(count.replace(/\D/g, '')) !== rows) throw new Error(`${app}: table shows "${count}"`)
  // Let the first render, fonts and the count settle before measuring.
  await page.waitForTimeout(500)
}

export async function run(): Promise<Comparison[]> {
  let fillMs = 0
  const bench = await serveDesigner('records-scroll', async (trellis, database) => {
    for (const key of ['big', 'small']) {
      await trellis.trellis.apps.create({ ...benchApp, key })
      await trellis.trellis.apps.publish(key, [], null)
    }
    const started = performance.now()
    await fill(database, 'big', BIG)
    await fill(database, 'small', SMALL)
    fillMs = performance.now() - started
  })
  try {
    const { url, browser } = bench
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } })
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(error.message))
    await logIn(page, `${url}/w/small/records/customers`)
    await page.getByTestId('record-count').filter({ hasText: /\d/ }).waitFor()

    await openTable(page, url, 'small', SMALL)
    const idle = await measure(page, false)
    const small = await measure(page, true)
    await openTable(page, url, 'big', BIG)
    const big = await measure(page, true)
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`)

    const round = (n: number) => Math.round(n * 10) / 10
    process.stderr.write(
      `records-scroll: ${BIG.toLocaleString('en')} rows filled in ${Math.round(fillMs)} ms; ` +
        `frames (n, p50, p95, max, % over 16.7 ms, last row in view, rows loaded): ` +
        [
          ['idle', idle],
          [`${SMALL} rows`, small],
          [`${BIG} rows`, big],
        ]
          .map(
            ([name, s]) =>
              `${name as string} ${(s as FrameStats).frames}, ${round((s as FrameStats).p50)}, ` +
              `${round((s as FrameStats).p95)}, ${round((s as FrameStats).max)}, ${round((s as FrameStats).slow)} %, ` +
              `${(s as FrameStats).reached}, ${(s as FrameStats).loaded}`,
          )
          .join('; ') +
        '\n',
    )
    const note =
      `the same wheel scroll over a ${SMALL}-row table (headless Chromium, ${SCROLL_MS / 1000} s each, PGlite); ` +
      `${BIG.toLocaleString('en')} rows: reached row ${big.reached.toLocaleString('en')} of ` +
      `${big.loaded.toLocaleString('en')} loaded, ${big.frames} frames; idle page p95 ${round(idle.p95)} ms`
    // A share of 0 % on either side has no ratio: one frame's worth is added to both.
    const slack = 100 / Math.max(1, small.frames, big.frames)
    return [
      compare('records-scroll-p50', 'ms', big.p50, small.p50, false, note),
      compare('records-scroll-p95', 'ms', big.p95, small.p95, false, note),
      compare('records-scroll-max', 'ms', big.max, small.max, false, note),
      {
        ...compare('records-scroll-slow', '% frames > 16.7 ms', big.slow, small.slow, false, note),
        ratio: Math.round((1000 * (small.slow + slack)) / (big.slow + slack)) / 1000,
      },
    ]
  } finally {
    await bench.close()
  }
}

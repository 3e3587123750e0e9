// The form designer while a field is dragged: a form with 300 fields against the same drag on a 10-field form,
// in headless Chromium on the production build, served by a real server on PGlite. Frame times are the
// requestAnimationFrame deltas seen by the page while the pointer moves (dnd-kit's pointer sensor, real mouse
// events); long animation frames (PerformanceObserver 'long-animation-frame') are counted beside them.
import type { AppDefinition, FieldDef, FieldType } from '@trellis/form-engine'
import { logIn, serveDesigner, startFrames, stopFrames, type Frames, type Page } from './lib/browser.js'
import { compare, type Comparison } from './lib/report.js'

const BIG = 300
const SMALL = 10
/** Pointer moves per drag; each waits for the next frame, as a 60 Hz mouse would. */
const MOVES = 120
const ROUNDS = 3

const TYPES: FieldType[] = ['text', 'number', 'phone', 'date', 'email', 'decimal']

function form(key: string, count: number): AppDefinition['forms'][number] {
  const fields: FieldDef[] = Array.from({ length: count }, (_, i) => ({
    key: `f${i}`,
    type: TYPES[i % TYPES.length]!,
    label: { 'zh-CN': `字段 ${i}`, en: `Field ${i}` },
    ...(i % 7 === 0 ? { required: true } : {}),
  }))
  return { key, label: { 'zh-CN': key, en: key }, fields }
}

const app: AppDefinition = {
  key: 'dragbench',
  name: { 'zh-CN': '拖动基准', en: 'Drag bench' },
  forms: [form('small', SMALL), form('big', BIG)],
}

const NEXT_FRAME = 'new Promise((resolve) => requestAnimationFrame(() => resolve()))'
const nextFrame = (page: Page) => page.evaluate(NEXT_FRAME)

/**
 * Drags field f0 from its place over the cards to f9's place (the same path on screen in both forms), one
 * pointer move per frame, and cancels with Escape (the form stays as it was for the next round).
 */
async function dragAcross(page: Page): Promise<Frames> {
  const from = await page.locator('[data-field=f0]').boundingBox()
  const to = await page.locator('[data-field=f9]').boundingBox()
  if (!from || !to) throw new Error('form-designer-drag: field cards not visible')
  const start = { x: from.x + from.width / 2, y: from.y + from.height / 2 }
  const end = { x: to.x + to.width / 2, y: to.y + to.height / 2 }
  await page.mouse.move(start.x, start.y)
  await page.mouse.down()
  await page.mouse.move(start.x + 8, start.y + 8, { steps: 2 })
  await startFrames(page)
  for (let i = 1; i <= MOVES; i++) {
    // there and back: the sortable list reorders its cards on the way out and back again
    const t = i <= MOVES / 2 ? (2 * i) / MOVES : 2 - (2 * i) / MOVES
    const wobble = Math.sin(i / 4) * 30
    await page.mouse.move(start.x + (end.x - start.x) * t + wobble, start.y + (end.y - start.y) * t)
    await nextFrame(page)
  }
  const frames = await stopFrames(page)
  await page.keyboard.press('Escape')
  await page.mouse.up()
  return frames
}

/** The page with nothing happening, for scale: what the machine's frame loop gives when idle. */
async function idle(page: Page): Promise<Frames> {
  await startFrames(page)
  for (let i = 0; i < MOVES; i++) await nextFrame(page)
  return stopFrames(page)
}

interface Stats {
  p50: number
  p95: number
  max: number
  dropped: number
  frames: number
  longFrames: number
}

function stats(runs: Frames[]): Stats {
  const deltas = runs.flatMap((run) => run.deltas).sort((a, b) => a - b)
  const at = (q: number) => deltas[Math.min(deltas.length - 1, Math.floor(q * deltas.length))]!
  // A frame is 1/60 s; a delta of n frames (rounded) means n − 1 were dropped.
  const frame = 1000 / 60
  const dropped = deltas.reduce((sum, delta) => sum + Math.max(0, Math.round(delta / frame) - 1), 0)
  return {
    p50: at(0.5),
    p95: at(0.95),
    max: deltas[deltas.length - 1]!,
    dropped,
    frames: deltas.length,
    longFrames: runs.reduce((sum, run) => sum + run.longFrames, 0),
  }
}

/** Frames shown as a share of the frames due in the same time (100 when none was dropped). */
const shown = (s: Stats) => (100 * s.frames) / (s.frames + s.dropped)

async function openForm(page: Page, url: string, formKey: string): Promise<void> {
  await page.goto(`${url}/apps/${app.key}/forms`)
  await page.getByRole('button', { name: formKey, exact: true }).click()
  await page.locator('[data-field=f9]').waitFor()
  // Let the first layout and the lazy chunks settle before measuring.
  for (let i = 0; i < 30; i++) await nextFrame(page)
}

export async function run(): Promise<Comparison[]> {
  const bench = await serveDesigner('form-designer-drag', async (trellis) => {
    await trellis.trellis.apps.create(app)
  })
  try {
    const { url } = bench
    const page = await bench.browser.newPage({ viewport: { width: 1440, height: 900 } })
    await logIn(page, url)
    await page.getByRole('heading', { name: '我的应用' }).waitFor()

    // Rounds alternate the two forms, so a busy moment on the shared machine falls on both.
    const big: Frames[] = []
    const small: Frames[] = []
    const still: Frames[] = []
    for (let round = 0; round < ROUNDS; round++) {
      await openForm(page, url, 'small')
      small.push(await dragAcross(page))
      await openForm(page, url, 'big')
      if ((await page.locator('[data-field]').count()) !== BIG)
        throw new Error('form-designer-drag: not 300 cards')
      big.push(await dragAcross(page))
      still.push(await idle(page))
    }
    const ours = stats(big)
    const base = stats(small)
    const calm = stats(still)
    const detail = (s: Stats) =>
      `p50 ${s.p50.toFixed(1)} / p95 ${s.p95.toFixed(1)} / max ${s.max.toFixed(1)} ms, ${s.dropped} dropped of ${s.frames}, ${s.longFrames} long animation frames`
    const note = `baseline: the same drag on a ${SMALL}-field form (${detail(base)}); ${BIG} fields: ${detail(ours)}; idle page ${detail(calm)}; headless Chromium, ${ROUNDS}×${MOVES} pointer moves, one per frame`
    return [
      compare('form-designer-drag-p50', 'ms/frame', ours.p50, base.p50, false, note),
      compare(
        'form-designer-drag-p95',
        'ms/frame',
        ours.p95,
        base.p95,
        false,
        `baseline: the same drag on a ${SMALL}-field form`,
      ),
      compare(
        'form-designer-drag-max',
        'ms/frame',
        ours.max,
        base.max,
        false,
        `baseline: the same drag on a ${SMALL}-field form`,
      ),
      compare(
        'form-designer-drag-frames-shown',
        '%',
        shown(ours),
        shown(base),
        true,
        `frames shown of those due (1/60 s each) while dragging, 100 % = none dropped; baseline: the ${SMALL}-field form`,
      ),
    ]
  } finally {
    await bench.close()
  }
}

import type { Locator, Page } from 'playwright-core'

/** A node on the flow canvas, by its id in the definition. */
export const flowNode = (page: Page, id: string): Locator => page.locator(`[data-flow-node="${id}"]`)

async function centre(locator: Locator): Promise<{ x: number; y: number }> {
  const box = await locator.boundingBox()
  if (!box) throw new Error('not visible')
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 }
}

/** Glides the pressed mouse to a point in small steps, as a hand does, and releases it there. */
async function glide(
  page: Page,
  from: { x: number; y: number },
  to: { x: number; y: number },
): Promise<void> {
  await page.mouse.move(from.x, from.y)
  await page.mouse.down()
  await page.mouse.move(from.x + 8, from.y + 8, { steps: 3 })
  await page.mouse.move(to.x, to.y, { steps: 12 })
  await page.mouse.up()
}

/**
 * Drags a palette entry (`data-palette`) onto the canvas; `at` is where to drop it, as fractions of the
 * canvas' width and height.
 */
export async function dropFromPalette(page: Page, item: string, at: { x: number; y: number }): Promise<void> {
  const canvas = await page.getByTestId('flow-canvas').boundingBox()
  if (!canvas) throw new Error('no canvas')
  const from = await centre(page.locator(`[data-palette="${item}"]`))
  await glide(page, from, { x: canvas.x + canvas.width * at.x, y: canvas.y + canvas.height * at.y })
}

/** Draws an edge with the mouse: from the source node's outgoing handle to the target's incoming one. */
export async function connectNodes(page: Page, source: string, target: string): Promise<void> {
  const from = await centre(flowNode(page, source).locator('.react-flow__handle.source'))
  const to = await centre(flowNode(page, target).locator('.react-flow__handle.target'))
  await glide(page, from, to)
}

/** Drags a node on the canvas by an offset in screen pixels. */
export async function moveNode(page: Page, id: string, by: { x: number; y: number }): Promise<void> {
  const label = flowNode(page, id).locator('span').nth(1)
  const from = await centre(label)
  await glide(page, from, { x: from.x + by.x, y: from.y + by.y })
}

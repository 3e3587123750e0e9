import type { Locator, Page } from 'playwright-core'

/**
 * Clicks the middle of a chart's tallest bar: echarts draws on a canvas, so there is no element to click.
 * A bar is the longest vertical run of one saturated colour; legend swatches are short runs, axis lines and
 * labels are grey, so neither is taken for a bar.
 */
export async function clickTallestBar(page: Page, canvas: Locator): Promise<void> {
  const point = await canvas.evaluate((element) => {
    const c = element as HTMLCanvasElement
    const context = c.getContext('2d')
    if (!context) return null
    const { width, height } = c
    const data = context.getImageData(0, 0, width, height).data
    const coloured = (x: number, y: number) => {
      const i = (y * width + x) * 4
      const [r, g, b, a] = [data[i]!, data[i + 1]!, data[i + 2]!, data[i + 3]!]
      return a > 200 && Math.max(r, g, b) - Math.min(r, g, b) > 60
    }
    let best = { x: 0, y: 0, length: 0 }
    for (let x = 0; x < width; x += 2) {
      let run = 0
      for (let y = 0; y < height; y++) {
        run = coloured(x, y) ? run + 1 : 0
        if (run > best.length) best = { x, y: y - run / 2, length: run }
      }
    }
    if (!best.length) return null
    // The middle of the bar across, along the middle of its height (the scan steps two pixels at a time).
    const y = Math.round(best.y)
    let left = best.x
    let right = best.x
    while (left > 0 && coloured(left - 1, y)) left--
    while (right < width - 1 && coloured(right + 1, y)) right++
    const ratio = width / c.getBoundingClientRect().width
    return { x: (left + right) / 2 / ratio, y: y / ratio }
  })
  if (!point) throw new Error('no bar on the chart')
  const box = (await canvas.boundingBox())!
  await page.mouse.click(box.x + point.x, box.y + point.y)
}

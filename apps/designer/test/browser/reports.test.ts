import type { Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  ADMIN,
  chromiumAvailable,
  CHROMIUM,
  drag,
  screenshot,
  startRig,
  type BrowserRig,
} from '../support/browser'
import { clickTallestBar } from '../support/reports'

const missing = !chromiumAvailable()
if (missing && process.env.CI) throw new Error(`Chromium is required in CI and is missing at ${CHROMIUM}`)
if (missing)
  console.warn(`reports browser tests SKIPPED: no Chromium at ${CHROMIUM} (apt-get install chromium)`)

const REPORT = '门店月销售额'
const DASHBOARD = '经营看板'

async function login(page: Page, url: string) {
  await page.goto(url)
  await page.getByLabel('用户名').fill(ADMIN.username)
  await page.getByLabel('密码').fill(ADMIN.password)
  await page.getByRole('button', { name: '登录', exact: true }).click()
  await page.getByRole('heading', { name: '我的应用' }).waitFor()
}

describe.skipIf(missing)('reports and dashboards in Chromium against the CRM template with demo data', () => {
  let rig: BrowserRig

  beforeAll(async () => {
    rig = await startRig({ crm: { size: 200 } })
    await login(rig.page, rig.url)
  })
  afterAll(async () => {
    await rig?.close()
  })
  afterEach(() => {
    expect(rig.consoleErrors).toEqual([])
    rig.consoleErrors.length = 0
  })

  it('builds orders by store × month (sum of amount, record count) by dragging, drills into a cell, saves it', async () => {
    const { page, url } = rig
    await page.goto(`${url}/apps/crm/reports`)
    await page.getByLabel('数据来源（表单）').selectOption({ label: '订单' })
    const palette = (ref: string) => page.locator(`[data-palette-field="${ref}"]`)
    const zone = (name: string) => page.locator(`[data-zone=${name}]`)
    await expect.poll(() => palette('store.name').count()).toBe(1)

    // The palette scrolls (orders, then each relation's fields): bring each field into view first.
    const dragField = async (ref: string, to: string) => {
      await palette(ref).scrollIntoViewIfNeeded()
      await drag(page, palette(ref), zone(to))
    }
    await dragField('store.name', 'rows')
    await dragField('ordered_at', 'columns')
    await dragField('amount', 'measures')
    await dragField('*', 'measures')
    await dragField('status', 'filters')
    expect(
      await zone('rows')
        .locator('[data-item]')
        .evaluateAll((e) => e.map((x) => x.getAttribute('data-item'))),
    ).toEqual(['门店·门店名称'])
    // Dates group by month unless told otherwise.
    expect(await page.getByLabel('下单时间 的日期分组').inputValue()).toBe('month')
    expect(await zone('measures').locator('[data-item]').count()).toBe(2)
    // The filter zone is the shared condition builder: the dropped field is a "状态 等于 …" row to complete.
    // The preview must answer the filtered spec: until its answer comes it shows the unfiltered one (under
    // load, a while), whose counts are not the drill-down's.
    const filtered = page.waitForResponse(
      (r) => r.url().endsWith('/pivot') && (r.request().postData() ?? '').includes('"paid"'),
      { timeout: 20_000 },
    )
    await zone('filters').getByLabel('值', { exact: true }).selectOption('paid')
    await filtered
    await expect.poll(() => page.locator('section[aria-busy]').getAttribute('aria-busy')).toBe('false')

    const table = page.getByTestId('pivot-table')
    await expect.poll(() => table.locator('tbody tr').count(), { timeout: 20_000 }).toBeGreaterThan(1)
    await expect.poll(() => page.locator('[data-testid=echart] canvas').count()).toBeGreaterThan(0)
    // Every field here is one of the orders' summary's (local day, store, status; amount summed): the server
    // answers from its totals and says so; the drill-down below counts the records themselves.
    await expect
      .poll(() => page.getByTestId('pivot-summary').innerText())
      .toBe('由预先汇总「sales_by_day」算出，未逐条读取记录')
    await screenshot(page, 'reports-builder')

    // The first store's total over all months: the record count there (the measure dropped first, on top)
    // is what the drill-down finds.
    expect(await zone('measures').locator('[data-item]').first().getAttribute('data-item')).toBe('记录数')
    const firstRow = table.locator('tbody tr').first().locator('button')
    const countCell = firstRow.nth((await firstRow.count()) - 2)
    const shownCount = Number((await countCell.innerText()).replace(/,/g, ''))
    expect(shownCount).toBeGreaterThan(0)
    await countCell.click()
    const panel = page.getByTestId('drill-panel')
    await expect.poll(() => panel.count()).toBe(1)
    await expect.poll(() => page.getByTestId('drill-count').innerText()).toBe(`共 ${shownCount} 条记录`)
    expect(await panel.locator('tbody tr').count()).toBe(Math.min(shownCount, 20))
    await screenshot(page, 'reports-drill')

    await page.getByRole('button', { name: '保存报表' }).click()
    await page.getByLabel('报表名称（中文）').fill(REPORT)
    await page.getByLabel('报表名称（英文）').fill('Store sales by month')
    await page.getByTestId('save-report').getByRole('button', { name: '保存', exact: true }).click()
    await expect.poll(() => page.getByText(`已保存报表「${REPORT}」`).count()).toBe(1)
    // The list of saved reports is asked again after the save.
    await expect
      .poll(() => page.getByLabel('已保存的报表').locator('option', { hasText: REPORT }).count())
      .toBe(1)
  })

  it('puts the report on a dashboard with a store filter, resizes it, saves it', async () => {
    const { page, url } = rig
    await page.goto(`${url}/apps/crm/dashboards`)
    await page.getByLabel('报表', { exact: true }).selectOption({ label: REPORT })
    await page.getByRole('button', { name: '添加图表' }).click()
    await page.getByRole('button', { name: '添加指标卡' }).click()
    const widgets = page.locator('[data-widget]')
    await expect.poll(() => widgets.count()).toBe(2)
    await expect
      .poll(() => page.locator('[data-widget] canvas').count(), { timeout: 20_000 })
      .toBeGreaterThan(1)

    // Reorder: the KPI card dragged onto the chart goes before it.
    await drag(page, page.getByLabel(`移动 ${REPORT}`).nth(1), widgets.nth(0))
    expect(await widgets.evaluateAll((w) => w.map((x) => x.getAttribute('data-widget')))).toEqual([
      'w2',
      'w1',
    ])
    // Resize: the chart sits right of the 3-column KPI card; its right edge dragged to the grid's right edge
    // makes it fill the rest of the row (9 of 12 columns).
    const grid = (await page.getByTestId('dashboard-grid').boundingBox())!
    const edge = (await page.locator('[data-resize=w1]').boundingBox())!
    await page.mouse.move(edge.x + edge.width / 2, edge.y + edge.height / 2)
    await page.mouse.down()
    await page.mouse.move(grid.x + grid.width - 2, edge.y + edge.height / 2, { steps: 8 })
    await page.mouse.up()
    expect(await page.locator('[data-widget=w1]').getAttribute('data-span')).toBe('9')

    await page.getByLabel('筛选类型').selectOption('value')
    await page.getByLabel('筛选字段').selectOption({ label: '门店·门店名称' })
    await page.getByLabel('筛选名称').fill('门店')
    await page.getByRole('button', { name: '添加筛选' }).click()
    expect(await page.getByLabel(`${REPORT} 的「门店」字段`).first().inputValue()).toBe('store.name')

    await page.getByLabel('仪表盘名称（中文）').fill(DASHBOARD)
    await page.getByRole('button', { name: '保存仪表盘' }).click()
    await expect.poll(() => page.getByText(`已保存仪表盘「${DASHBOARD}」`).count()).toBe(1)
    await screenshot(page, 'dashboards-editor')
  })

  it('opens the dashboard in the workspace, filters by store, and a click on a bar opens the records behind it', async () => {
    const { page, url } = rig
    await page.goto(`${url}/w/crm/dashboards`)
    // The template brings its own dashboards; ours is picked from the list.
    await page.getByLabel('选择仪表盘').selectOption({ label: DASHBOARD })
    await page.waitForURL(/\/w\/crm\/dashboards\/\d+$/)
    await expect.poll(() => page.getByRole('heading', { name: DASHBOARD }).count()).toBe(1)
    const chart = page.locator('[data-widget=w1] canvas').first()
    await expect.poll(() => chart.count(), { timeout: 20_000 }).toBe(1)

    // The store filter offers the stores by name; picking one leaves one bar group on the chart.
    const storeFilter = page.getByLabel('门店', { exact: true })
    await expect.poll(() => storeFilter.locator('option').count()).toBeGreaterThan(1)
    const store = await storeFilter.locator('option').nth(1).innerText()
    // Every widget reruns with the filter: wait for that answer, then for echarts' entry animation.
    const rerun = page.waitForResponse((r) => /\/dashboards\/\d+\/run$/.test(new URL(r.url()).pathname))
    await storeFilter.selectOption({ label: store })
    await rerun
    await expect.poll(() => chart.count(), { timeout: 20_000 }).toBe(1)
    await page.waitForTimeout(2000)
    await screenshot(page, 'workspace-dashboard')

    await clickTallestBar(page, chart)
    await page.waitForURL(/\/w\/crm\/records\/orders\?filter=/)
    const filter = JSON.parse(new URL(page.url()).searchParams.get('filter')!) as unknown
    const text = JSON.stringify(filter)
    // The store's name became the ids of the matching stores (the records API filters own fields only),
    // and the bar's month became a range of order times.
    expect(text).toContain('{"in":[{"var":"store"},[')
    expect(text).toContain('"var":"ordered_at"')
    expect(text).not.toContain('store.name')
    await expect.poll(() => page.locator('[data-view=records][aria-current=page]').count()).toBe(1)
    // The records view runs the filter: only the picked store's orders are listed.
    await expect.poll(() => page.getByText(store, { exact: true }).count()).toBeGreaterThan(0)
    await screenshot(page, 'workspace-drill-records')
  })
})

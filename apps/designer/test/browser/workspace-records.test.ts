import type { Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { chromiumAvailable, CHROMIUM, screenshot, startRig, type BrowserRig } from '../support/browser'
import { storeMember } from '../support/workspace-records'

const missing = !chromiumAvailable()
if (missing && process.env.CI) throw new Error(`Chromium is required in CI and is missing at ${CHROMIUM}`)
if (missing) console.warn(`workspace records browser tests SKIPPED: no Chromium at ${CHROMIUM}`)

const PASSWORD = 'store-clerk-password-1'

/**
 * The CRM at the counter: a clerk (店员) of one store finds a customer by the phone the customer tells them,
 * opens the 360° view, adds a follow-up task, and sees no other store's customers — on a desk and on a phone.
 * The customer is tier S, so the clerk sees the phone masked: the whole number finds
 * them (the server allows exact lookups of masked fields), and the number is still not shown.
 */
for (const device of [
  { name: 'desk', viewport: { width: 1440, height: 900 } },
  { name: 'phone', viewport: { width: 375, height: 812 } },
] as const) {
  describe.skipIf(missing)(`workspace records in Chromium (${device.name})`, () => {
    let rig: BrowserRig
    let member: Awaited<ReturnType<typeof storeMember>>
    const username = `clerk_${device.name}`

    beforeAll(async () => {
      rig = await startRig({ crm: { size: 200 }, viewport: device.viewport })
      member = await storeMember(rig.url, 'clerk', username, PASSWORD)
    })
    afterAll(async () => {
      await rig?.close()
    })
    afterEach(() => {
      expect(rig.consoleErrors).toEqual([])
      rig.consoleErrors.length = 0
    })

    const list = (page: Page) =>
      page.locator(device.name === 'phone' ? '[data-testid=records-cards]' : '[data-testid=records-table]')
    const rows = (page: Page) => list(page).locator('[data-record]')

    it("logs in, lists only the member's own store's customers, and finds one by phone", async () => {
      const { page, url } = rig
      await page.goto(`${url}/w/crm/records/customers`)
      await page.getByLabel('用户名').fill(username)
      await page.getByLabel('密码').fill(PASSWORD)
      await page.getByRole('button', { name: '登录', exact: true }).click()
      await expect.poll(() => page.getByTestId('record-count').textContent()).toBe(`共 ${member.ownCount} 条`)
      expect(await rows(page).count()).toBeGreaterThan(0)
      await screenshot(page, `workspace-records-${device.name}-list`)

      // A customer of another store is not found, by name nor (below) by their whole number.
      const search = page.getByLabel('搜索', { exact: true })
      await search.fill(String(member.stranger.name))
      await expect.poll(() => page.getByTestId('record-count').textContent()).toMatch(/^共 \d+ 条$/)
      const strangerRow = list(page).locator(`[data-record="${member.stranger.id}"]`)
      expect(await strangerRow.count()).toBe(0)

      // The number as the customer says it, in groups of digits.
      const phone = String(member.customer.phone).replace('+86', '')
      const typed = `${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}`
      await search.fill(typed)
      await expect.poll(() => page.getByTestId('record-count').textContent()).toBe('共 1 条')
      await expect.poll(() => rows(page).first().getAttribute('data-record')).toBe(member.customer.id)
      // Found, and still masked (tier S): the row never shows the number the clerk typed.
      await expect
        .poll(() => rows(page).first().textContent())
        .toContain(`${phone.slice(0, 3)}****${phone.slice(-4)}`)
      expect(await rows(page).first().textContent()).not.toContain(phone)
      await search.fill(String(member.stranger.phone))
      await expect.poll(() => page.getByTestId('record-count').textContent()).toBe('共 0 条')
      await search.fill(typed)
      await expect.poll(() => page.getByTestId('record-count').textContent()).toBe('共 1 条')
      await screenshot(page, `workspace-records-${device.name}-search`)
    })

    it('opens the 360° view and adds a follow-up task from it', async () => {
      const { page } = rig
      await rows(page)
        .first()
        .getByRole('button', { name: String(member.customer.name) })
        .click()
      const profile = page.getByTestId('customer-profile')
      await expect
        .poll(() => profile.getByRole('heading', { level: 1 }).textContent())
        .toBe(String(member.customer.name))
      const timeline = page.getByTestId('timeline')
      await expect
        .poll(() =>
          timeline
            .getByRole('group', { name: '显示' })
            .getByRole('button', { name: /^订单 \d+$/ })
            .count(),
        )
        .toBe(1)

      if (device.name === 'phone') {
        // Stacked: the timeline starts below the profile, both the screen's width.
        const a = (await profile.boundingBox())!
        const b = (await timeline.boundingBox())!
        expect(b.y).toBeGreaterThanOrEqual(a.y + a.height)
        expect(Math.abs(a.x - b.x)).toBeLessThan(2)
      }
      await screenshot(page, `workspace-records-${device.name}-customer`)

      await page.getByRole('button', { name: '添加跟进' }).click()
      const dialog = page.getByTestId('follow-up-dialog')
      await expect
        .poll(() => dialog.getByTestId('relation-value').textContent())
        .toContain(String(member.customer.name))
      // Saving empty shows the form engine's errors on the fields, before any request.
      await dialog.getByRole('button', { name: '保存' }).click()
      await expect.poll(() => dialog.getByText('此项为必填').count()).toBeGreaterThan(0)

      const title = `${device.name} 回访：新品试吃`
      await dialog.getByLabel('任务 *').fill(title)
      await dialog.getByLabel('类型 *').selectOption('call_back')
      if (device.name === 'phone') {
        // One column: the fields sit one above the other.
        const a = (await dialog.locator('[data-form-field=title]').boundingBox())!
        const b = (await dialog.locator('[data-form-field=kind]').boundingBox())!
        expect(Math.abs(a.x - b.x)).toBeLessThan(2)
        expect(b.y).toBeGreaterThan(a.y)
      }
      await screenshot(page, `workspace-records-${device.name}-follow-up`)
      await dialog.getByRole('button', { name: '保存' }).click()
      await expect.poll(() => page.getByText('已添加跟进任务').count()).toBe(1)
      await expect.poll(() => timeline.getByText(title).count()).toBe(1)
      await screenshot(page, `workspace-records-${device.name}-added`)
    })
  })
}

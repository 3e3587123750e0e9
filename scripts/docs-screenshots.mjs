// Screenshots of the CRM template for docs/crm-retention.md, taken from a running Trellis (the quick start's
// `npm start`, with its demo data) in headless Chromium:
//   TRELLIS_URL=http://127.0.0.1:3000 TRELLIS_ADMIN_PASSWORD=… node scripts/docs-screenshots.mjs
// Writes docs/crm/*.png. Not part of the tests: the browser tests assert behaviour, this only illustrates it.
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const { chromium } = createRequire(path.join(root, 'apps/designer/package.json'))('playwright-core')
const url = process.env.TRELLIS_URL ?? 'http://127.0.0.1:3000'
const password = process.env.TRELLIS_ADMIN_PASSWORD
if (!password) throw new Error('TRELLIS_ADMIN_PASSWORD: the admin password the first start printed')
const out = path.join(root, 'docs/crm')

const browser = await chromium.launch({
  executablePath: process.env.TRELLIS_CHROMIUM ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
})
try {
  const page = await browser.newPage({ viewport: { width: 1360, height: 860 }, locale: 'zh-CN' })
  const shot = async (name) => {
    await page.waitForTimeout(1500) // charts' entry animation, fonts
    await page.screenshot({ path: path.join(out, `${name}.png`) })
    console.log(`docs/crm/${name}.png`)
  }

  await page.goto(`${url}/w/crm/records/customers`)
  await page.getByLabel('用户名').fill('admin')
  await page.getByLabel('密码').fill(password)
  await page.getByRole('button', { name: '登录', exact: true }).click()
  await page.getByTestId('records-table').locator('[data-record]').first().waitFor()
  await shot('customers')

  await page.getByTestId('records-table').locator('[data-record]').first().getByRole('button').first().click()
  await page.getByTestId('customer-profile').waitFor()
  await page.getByTestId('timeline').waitFor()
  await shot('customer-360')

  await page.goto(`${url}/w/crm/dashboards`)
  await page.getByLabel('选择仪表盘').selectOption({ label: '老板看板' })
  await page.waitForURL(/\/w\/crm\/dashboards\/\d+$/)
  await page.locator('[data-widget] canvas').first().waitFor({ timeout: 30_000 })
  await page.waitForTimeout(2500)
  await shot('owner-dashboard')

  await page.goto(`${url}/w/crm/records/product_pairs`)
  await page.getByTestId('records-table').locator('[data-record]').first().waitFor()
  await shot('product-pairs')

  await page.goto(`${url}/apps/crm/rules`)
  await page
    .getByRole('button', { name: /买了 A，N 天后推荐搭配商品 B/ })
    .first()
    .click()
  const inputs = page.getByRole('region', { name: '规则还会读取' })
  await inputs.waitFor()
  // The rule's trigger and what it reads besides the customer (the pairs, the aggregates) at the top.
  await inputs.evaluate((section) => section.previousElementSibling?.scrollIntoView({ block: 'start' }))
  await shot('cross-sell-rule')
} finally {
  await browser.close()
}

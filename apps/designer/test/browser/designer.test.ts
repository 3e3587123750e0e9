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

// Debian's Chromium is installed by .ci/run; CI must have it, elsewhere its absence is said out loud.
const missing = !chromiumAvailable()
if (missing && process.env.CI) throw new Error(`Chromium is required in CI and is missing at ${CHROMIUM}`)
if (missing)
  console.warn(`designer browser tests SKIPPED: no Chromium at ${CHROMIUM} (apt-get install chromium)`)

describe.skipIf(missing)('designer in Chromium against a real server on PGlite', () => {
  let rig: BrowserRig

  beforeAll(async () => {
    rig = await startRig()
  })
  afterAll(async () => {
    await rig?.close()
  })
  // Console errors we know the cause of, each allowed only where it is expected (see docs/designer.md):
  // Chromium logs every non-2xx fetch.
  const expected: RegExp[] = []
  afterEach(() => {
    expect(rig.consoleErrors.filter((text) => !expected.some((pattern) => pattern.test(text)))).toEqual([])
    rig.consoleErrors.length = 0
    expected.length = 0
  })

  const canvasKeys = () =>
    rig.page
      .locator('[data-testid=canvas] [data-field]')
      .evaluateAll((cards) => cards.map((card) => card.getAttribute('data-field')))

  it('creates an app, builds a form by dragging three fields, saves, publishes and shows the migration plan', async () => {
    const { page, url } = rig
    await page.goto(url)
    await page.getByLabel('用户名').fill(ADMIN.username)
    await page.getByLabel('密码').fill(ADMIN.password)
    await screenshot(page, 'login')
    await page.getByRole('button', { name: '登录', exact: true }).click()
    await expect.poll(() => page.getByRole('heading', { name: '我的应用' }).count()).toBe(1)
    // Nobody was logged in: the session check answers { user: null }, not an error.
    expect(rig.consoleErrors.filter((text) => text.startsWith('HTTP'))).toEqual([])

    await page.getByRole('button', { name: '新建应用' }).first().click()
    await page.getByLabel('应用名称（中文）').fill('客户留存')
    await page.getByLabel('应用名称（英文）').fill('Retention')
    expect(await page.getByLabel('应用标识').inputValue()).toBe('retention')
    await page.getByRole('button', { name: '创建', exact: true }).click()
    await page.waitForURL(`${url}/apps/retention/forms`)

    await page.getByRole('button', { name: '新建表单' }).first().click()
    await page.getByLabel('表单名称（中文）').fill('客户')
    await page.getByLabel('表单名称（英文）').fill('Customers')
    await page.getByRole('button', { name: '创建表单' }).click()

    const canvas = page.getByTestId('canvas')
    const palette = (type: string) => page.locator(`[data-field-type=${type}]`)
    await drag(page, palette('text'), canvas)
    await drag(page, palette('phone'), canvas, { x: 0, y: 120 })
    await drag(page, palette('select'), canvas, { x: 0, y: 120 })
    expect(await canvasKeys()).toEqual(['text', 'phone', 'single_select'])

    // Reorder: the select card dropped on the text card takes its place.
    await drag(page, page.locator('[data-field=single_select]'), page.locator('[data-field=text]'))
    expect(await canvasKeys()).toEqual(['single_select', 'text', 'phone'])

    // Resize: the right edge of "text" dragged by one column widens it from 2 to 3 columns.
    const box = (await canvas.boundingBox())!
    const handle = page.locator('[data-resize=text]')
    const edge = (await handle.boundingBox())!
    await page.mouse.move(edge.x + edge.width / 2, edge.y + edge.height / 2)
    await page.mouse.down()
    await page.mouse.move(edge.x + box.width / 4, edge.y + edge.height / 2, { steps: 8 })
    await page.mouse.up()
    expect(await page.locator('[data-field=text]').getAttribute('data-span')).toBe('3')

    // The key follows the English label until published.
    await page.locator('[data-field=phone]').click()
    await page.getByLabel('名称（英文）').fill('Mobile')
    await page.getByLabel('名称（中文）').fill('手机')
    await page.getByLabel('必填').check()
    expect(await page.getByLabel('字段标识').inputValue()).toBe('mobile')
    expect(await canvasKeys()).toEqual(['single_select', 'text', 'mobile'])

    // Live preview: the form engine's validator, its messages in Chinese.
    await page.getByRole('button', { name: '预览' }).click()
    await page.locator('[data-preview-field=mobile] input').fill('12ab')
    // The served page allows ajv's code generation (CSP 'unsafe-eval'), so the preview validates for real.
    await expect.poll(() => page.getByText('请输入有效的电话号码').count()).toBe(1)
    await page.locator('[data-preview-field=mobile] input').fill('138 0013 8000')
    await page.getByRole('button', { name: '校验' }).click()
    await expect.poll(() => page.getByText('示例数据通过校验').count()).toBe(1)
    await screenshot(page, 'form-preview')
    await page.getByRole('button', { name: '设计' }).click()

    await page.getByRole('button', { name: '保存草稿' }).click()
    await expect.poll(() => page.getByText('草稿已保存').count()).toBe(1)

    await page.getByRole('button', { name: '发布' }).click()
    const dialog = page.getByTestId('publish')
    await expect.poll(() => dialog.locator('[data-step]').count()).toBeGreaterThan(0)
    expect(await dialog.locator('[data-step="customers:create_table"]').count()).toBe(1)
    expect(await dialog.getByText('新建数据表').count()).toBe(1)
    await screenshot(page, 'migration-plan')
    await dialog.getByRole('button', { name: '确认发布' }).click()
    await expect.poll(() => dialog.getByText('已发布为 v1').count()).toBe(1)
    await dialog.getByRole('button', { name: '关闭' }).click()
    await expect.poll(() => page.getByText('已发布 v1').count()).toBe(1)
  })

  it('asks to confirm each lossy step and publishes with exactly those confirmed', async () => {
    const { page } = rig
    await page.locator('[data-field=text]').click()
    expect(await page.getByLabel('字段标识').isDisabled()).toBe(true)
    // Deleting a field archives its column (kept, restorable): a step, but not a lossy one.
    await page.locator('[data-field=mobile]').click()
    await page.getByRole('button', { name: '删除字段' }).click()
    expect(await canvasKeys()).toEqual(['single_select', 'text'])
    // Removing an option records may hold is lossy.
    await page.locator('[data-field=single_select]').click()
    await page.getByRole('button', { name: '添加选项' }).click()
    await page.getByRole('button', { name: '删除选项' }).first().click()

    await page.getByRole('button', { name: '发布' }).click()
    const dialog = page.getByTestId('publish')
    const lossy = dialog.locator('[data-step="customers.single_select:change_options"]')
    await expect.poll(() => lossy.count()).toBe(1)
    const archived = dialog.locator('[data-step="customers.mobile:archive_column"]')
    expect(await archived.count()).toBe(1)
    expect(await archived.getByText('可能丢失数据').count()).toBe(0)
    expect(await lossy.getByText('可能丢失数据').count()).toBe(1)
    const publish = dialog.getByRole('button', { name: '确认发布' })
    expect(await publish.isDisabled()).toBe(true)
    await screenshot(page, 'lossy-plan')
    await lossy.getByLabel('我已了解，确认执行此步骤').check()
    expect(await publish.isDisabled()).toBe(false)
    await publish.click()
    await expect.poll(() => dialog.getByText('已发布为 v2').count()).toBe(1)
    await dialog.getByRole('button', { name: '关闭' }).click()
  })

  it('switches to English, keeps it across a reload, shows issues on the field they belong to, opens the flow designer', async () => {
    const { page } = rig
    await page.getByRole('button', { name: 'English' }).click()
    await expect.poll(() => page.getByRole('tab', { name: 'Forms' }).count()).toBe(1)
    await page.reload()
    await expect.poll(() => page.getByRole('tab', { name: 'Dashboards' }).count()).toBe(1)

    // A relation with no form to link to: saving reports it on that field, in English.
    await drag(page, page.locator('[data-field-type=relation]'), page.getByTestId('canvas'), { x: 0, y: 120 })
    // On the canvas before saving (under load the drop can land after the click).
    await expect.poll(() => page.locator('[data-field=link]').count()).toBe(1)
    await page.getByRole('button', { name: 'Save draft' }).click()
    await expect
      .poll(() => page.getByText('The draft has 1 problem to fix before publishing').count())
      .toBe(1)
    expect(await page.locator('[data-field=link]').getByText('1 problem').count()).toBe(1)
    await page.locator('[data-field=link]').click()
    expect(await page.getByTestId('properties').getByText('Choose the form to link to').count()).toBe(1)
    await screenshot(page, 'english-issues')

    // The flow designer loads on demand, in English too.
    await page.getByRole('tab', { name: 'Flows' }).click()
    await expect.poll(() => page.getByText('No flows yet').count()).toBeGreaterThan(0)
    await screenshot(page, 'english-flows')
  })
})

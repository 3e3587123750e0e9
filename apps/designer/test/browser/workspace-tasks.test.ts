import fs from 'node:fs'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { chromiumAvailable, CHROMIUM, drag, screenshot, startRig, type BrowserRig } from '../support/browser'
import { api, logIn, managerApproval } from '../support/workspace-tasks'

const missing = !chromiumAvailable()
if (missing && process.env.CI) throw new Error(`Chromium is required in CI and is missing at ${CHROMIUM}`)

describe.skipIf(missing)('workspace tasks: board, inbox, import in Chromium against the CRM template', () => {
  let rig: BrowserRig
  let store = ''
  let customer = ''
  const manager = { username: 'manager_sh', password: 'manager-password-1' }

  beforeAll(async () => {
    rig = await startRig({ crm: { size: 100 } })
    await logIn(rig.page, rig.url)
    const { page } = rig
    store = (await api(page, 'GET', '/api/apps/crm/forms/stores/records?limit=1')).records[0].id
    customer = (await api(page, 'GET', `/api/apps/crm/forms/customers/records?limit=1`)).records[0].id
  }, 600_000)
  afterAll(async () => {
    await rig?.close()
  })
  // Console errors we cause on purpose: Chromium logs the 400 of the refused (stage-skipping) move.
  const expected: RegExp[] = []
  afterEach(() => {
    // Cleared first, so one test's errors are not blamed on the next.
    const unexpected = rig.consoleErrors.filter((text) => !expected.some((pattern) => pattern.test(text)))
    rig.consoleErrors.length = 0
    expected.length = 0
    expect(unexpected).toEqual([])
  })

  it('drags a pipeline card to the next stage, kept after a reload; skipping a stage is refused', async () => {
    const { page, url } = rig
    const deal = await api(page, 'POST', '/api/apps/crm/forms/opportunities/records', {
      values: { title: '中秋团购 300 盒', customer, store, stage: 'lead', amount: '36000' },
    })
    await page.goto(`${url}/w/crm/board`)
    const card = page.locator(`[data-card="${deal.id}"]`)
    const column = (stage: string) => page.locator(`[data-column="${stage}"]`)
    await card.waitFor()
    expect(await column('lead').locator(`[data-card="${deal.id}"]`).count()).toBe(1)
    expect(await card.getByTestId('days-in-stage').textContent()).toBe('0 天')

    const saved = page.waitForResponse(
      (r) => r.request().method() === 'PATCH' && r.url().includes(`/records/${deal.id}`),
    )
    await drag(page, card, column('contact'))
    expect((await saved).status()).toBe(200)
    await screenshot(page, 'workspace-board-moved')
    await page.reload()
    await column('contact').locator(`[data-card="${deal.id}"]`).waitFor()

    expected.push(/HTTP 400 PATCH/, /Failed to load resource: the server responded with a status of 400/)
    const refused = page.waitForResponse((r) => r.request().method() === 'PATCH')
    await drag(page, page.locator(`[data-card="${deal.id}"]`), column('negotiation'))
    expect((await refused).status()).toBe(400)
    await expect.poll(() => page.getByTestId('board-error').textContent()).toContain('方案演示')
    expect(await column('contact').locator(`[data-card="${deal.id}"]`).count()).toBe(1)
    await screenshot(page, 'workspace-board-refused')
    const stored = await api(page, 'GET', `/api/apps/crm/forms/opportunities/records/${deal.id}`)
    expect(stored.stage).toBe('contact')
  })

  it('a store manager sees the new task in the bell and approves it from the inbox, with the deal beside it', async () => {
    const { page, url } = rig
    const draft = await api(page, 'GET', '/api/apps/crm/draft')
    const flows = (draft.flows ?? []).filter((f: { key: string }) => f.key !== managerApproval.key)
    await api(page, 'PUT', '/api/apps/crm/draft', { ...draft, flows: [...flows, managerApproval] })
    await api(page, 'POST', '/api/apps/crm/publish', { confirm: [] })
    const user = await api(page, 'POST', '/api/users', { ...manager, attributes: { store } })
    await api(page, 'PUT', `/api/apps/crm/members/${user.id}`, { role: 'store_manager' })
    const deal = await api(page, 'POST', '/api/apps/crm/forms/opportunities/records', {
      values: { title: '企业年会蛋糕', customer, store, stage: 'negotiation', amount: '88000' },
    })
    const instance = await api(page, 'POST', `/api/apps/crm/flows/${managerApproval.key}/instances`, {
      form: 'opportunities',
      recordId: deal.id,
    })

    await logIn(page, url, manager)
    await page.goto(`${url}/w/crm/inbox`)
    await expect.poll(() => page.getByTestId('notification-count').textContent()).toBe('1')
    await page.getByTestId('notification-bell').click()
    await page.getByRole('dialog', { name: '通知' }).getByText('店长审批大单').waitFor()
    await screenshot(page, 'workspace-bell')
    await page.getByTestId('notification-bell').click()
    expect(await page.getByTestId('notification-count').count()).toBe(0)

    const detail = page.getByTestId('task-detail')
    await detail.getByText('店长审批大单').waitFor()
    expect(await page.getByTestId('task-record').textContent()).toContain('企业年会蛋糕')
    await page.getByRole('button', { name: '领取' }).click()
    await expect.poll(() => page.getByText('我的任务').locator('..').textContent()).toContain('1')
    await page.getByLabel('审批意见').fill('同意，注意交期')
    await screenshot(page, 'workspace-inbox')
    await page.getByRole('button', { name: '同意', exact: true }).click()
    await page.getByText('已处理“店长审批大单”：同意').waitFor()

    await logIn(page, url)
    const done = await api(page, 'GET', `/api/flow-instances/${instance.id}`)
    expect(done).toMatchObject({ status: 'completed', result: 'approved' })
    expect(done.steps.at(-1)).toMatchObject({
      event: 'task_completed',
      actor: manager.username,
      comment: '同意，注意交期',
    })
  })

  it('imports a CSV with one bad row: the cell error, the progress, and the rejected rows to download', async () => {
    const { page, url } = rig
    await page.goto(`${url}/w/crm/import/customers`)
    const csv = '姓名,手机号,城市\n王小花,13912345601,\n赵大宝,12345,\n钱多多,+86 139 1234 5603,\n'
    await page
      .getByLabel('选择文件')
      .setInputFiles({ name: '新客户.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) })
    const preview = page.getByTestId('import-preview')
    await preview.waitFor()
    const bad = preview.locator('[data-cell-error]')
    expect(await bad.count()).toBe(1)
    expect(await bad.first().getAttribute('data-cell-error')).toBe('import.invalid_phone')
    await page.getByRole('checkbox', { name: '手机号' }).check()
    await screenshot(page, 'workspace-import-preview')

    await page.getByRole('button', { name: '开始导入' }).click()
    await page.getByTestId('import-result').waitFor()
    expect(await page.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100')
    expect(await page.getByTestId('import-rate').textContent()).toMatch(/已写入 2 \/ 2 条 · [\d,]+ 条\/秒/)
    expect(await page.getByTestId('import-result').textContent()).toContain('新增 2')
    await screenshot(page, 'workspace-import-result')

    const download = page.waitForEvent('download')
    await page.getByRole('link', { name: '下载被拒绝的 1 行' }).click()
    const file = await (await download).path()
    const rejected = fs.readFileSync(file, 'utf8')
    expect(rejected).toContain('赵大宝')
    expect(rejected).toContain('12345')
    expect(rejected.split('\n').filter(Boolean)).toHaveLength(2)
  })

  it('an administrator opens the message outbox and the export links of the form', async () => {
    const { page, url } = rig
    await page.goto(`${url}/w/crm/messages`)
    await page.getByRole('heading', { name: '消息发送记录' }).waitFor()
    await page.getByRole('button', { name: /发送失败/ }).click()
    await screenshot(page, 'workspace-messages')
    await page.goto(`${url}/w/crm/import/customers`)
    const csv = await page.getByRole('link', { name: 'CSV' }).getAttribute('href')
    expect(csv).toBe('/api/apps/crm/forms/customers/export.csv?locale=zh-CN')
    const exported = await page.request.get(`${url}${csv}`)
    expect(exported.status()).toBe(200)
    expect(await exported.text()).toContain('王小花')
  })
})

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN, chromiumAvailable, CHROMIUM, screenshot, startRig, type BrowserRig } from '../support/browser'
import { adminSession } from '../support/workspace-records'

const missing = !chromiumAvailable()
if (missing && process.env.CI) throw new Error(`Chromium is required in CI and is missing at ${CHROMIUM}`)
if (missing) console.warn(`rules and roles browser tests SKIPPED: no Chromium at ${CHROMIUM}`)

// Tier B: the demo's S and A customers all bought within the last 60 days.
const dormantB = {
  and: [{ '==': [{ var: 'tier' }, 'B'] }, { '>': [{ days_since: [{ var: 'last_purchase_at' }] }, 90] }],
}

/**
 * The Rules and Roles tabs on the CRM app: a rule's condition built with the visual builder (tier B and
 * last purchase more than 90 days ago), how many customers match now, a dry run and a real run on one of
 * them, the run log; a role's row scope and a conditional mask built the same way; English labels.
 */
describe.skipIf(missing)('rules and roles tabs in Chromium on the CRM app', () => {
  let rig: BrowserRig
  let api: Awaited<ReturnType<typeof adminSession>>

  beforeAll(async () => {
    rig = await startRig({ crm: { size: 100 } })
    api = await adminSession(rig.url)
  })
  afterAll(async () => {
    await rig?.close()
  })
  afterEach(() => {
    expect(rig.consoleErrors).toEqual([])
    rig.consoleErrors.length = 0
  })

  it('builds a rule condition visually, counts the matches, dry-runs and runs it on a customer, shows the run log', async () => {
    const { page, url } = rig
    await page.goto(`${url}/apps/crm/rules`)
    await page.getByLabel('用户名').fill(ADMIN.username)
    await page.getByLabel('密码').fill(ADMIN.password)
    await page.getByRole('button', { name: '登录', exact: true }).click()

    await page.getByRole('button', { name: /S\/A 级客户 30 天未购/ }).click()
    const condition = page.getByRole('group', { name: '满足条件' })
    // The template's condition also reads the rule's order aggregates ($s_window.count…), which the rows
    // cannot show: it opens as JSON. Cut down to `tier in [S, A]`, it becomes one row of the builder.
    const rows = condition.getByTestId('condition-row')
    const json = condition.getByLabel('JSON')
    expect(JSON.parse(await json.inputValue())).toMatchObject({ or: expect.any(Array) })
    await json.fill(JSON.stringify({ in: [{ var: 'tier' }, ['S', 'A']] }))
    await condition.getByRole('button', { name: '可视化' }).click()
    await expect.poll(() => rows.count()).toBe(1)
    expect(await rows.first().getByLabel('比较方式').inputValue()).toBe('in')

    await rows.first().getByLabel('比较方式').selectOption('equals')
    await rows.first().getByLabel('值', { exact: true }).selectOption('B')
    await condition.getByRole('button', { name: '+ 添加条件', exact: true }).click()
    const second = rows.nth(1)
    await second.getByLabel('字段').selectOption('last_purchase_at')
    await second.getByLabel('比较方式').selectOption('more_than_days_ago')
    await second.getByLabel('值', { exact: true }).fill('90')

    // The logic written is what the JSON view shows.
    await condition.getByRole('button', { name: 'JSON' }).click()
    expect(JSON.parse(await condition.getByLabel('JSON').inputValue())).toEqual(dormantB)
    await condition.getByRole('button', { name: '可视化' }).click()
    await expect.poll(() => rows.count()).toBe(2)

    // Which customers match now: the same count the records API gives for that filter.
    const expected = await api.call<{ count: number }>(
      'GET',
      `/api/apps/crm/forms/customers/records/count?filter=${encodeURIComponent(JSON.stringify(dormantB))}`,
    )
    expect(expected.count).toBeGreaterThan(0)
    await page.getByRole('button', { name: '现在有哪些记录满足条件' }).click()
    await expect
      .poll(() => page.getByTestId('match-count').textContent())
      .toBe(`${expected.count} 条记录满足条件`)
    const firstMatch = await api.call<{ records: Array<{ id: string; name: string }> }>(
      'POST',
      '/api/apps/crm/forms/customers/records/query',
      { filter: dormantB, limit: 1 },
    )
    const customer = firstMatch.records[0]!
    await screenshot(page, 'rules-condition-matches')

    // Saved in the draft, where the server keeps rules, then published so the worker runs it.
    await page.getByRole('button', { name: '保存草稿' }).click()
    await expect.poll(() => page.getByText('草稿已保存').count()).toBe(1)
    const draft = await api.call<{ rules: Array<{ key: string; condition: unknown }> }>(
      'GET',
      '/api/apps/crm/draft/rules',
    )
    expect(draft.rules.find((r) => r.key === 'silent_30_call_back')?.condition).toEqual(dormantB)
    expect(await page.getByText('有未发布的修改').count()).toBe(1)
    // Published from the top bar: no table changes, so the dialog says the rules go out as the next version.
    await page.getByRole('button', { name: '发布', exact: true }).click()
    const dialog = page.getByTestId('publish')
    await expect.poll(() => dialog.getByText(/没有数据表变更/).count()).toBe(1)
    await dialog.getByRole('button', { name: '确认发布' }).click()
    await expect.poll(() => dialog.getByText(/已发布为 v/).count()).toBe(1)
    await dialog.getByRole('button', { name: '关闭' }).click()
    await page.reload()
    await page.getByRole('button', { name: /S\/A 级客户 30 天未购/ }).click()
    await expect.poll(() => page.getByText('已发布 · 运行中').count()).toBe(1)
    expect(await page.getByText('有未发布的修改').count()).toBe(0)

    // Test on that customer: the condition holds, and the server's dry run plans the call-back task.
    await page.getByLabel('按名称查找记录').fill(customer.name)
    await page.getByRole('button', { name: '查找', exact: true }).click()
    await page.getByRole('list', { name: '选择一条记录' }).getByRole('listitem').first().click()
    const result = page.getByTestId('test-result')
    await expect.poll(() => result.getByText('满足条件', { exact: true }).count()).toBe(1)
    expect(await result.getByText('在“跟进任务”中新建记录').count()).toBe(1)
    expect(await result.getByText('以下是服务器对已发布规则的试运行结果，不会写入任何数据。').count()).toBe(1)
    await screenshot(page, 'rules-dry-run')

    // A real run of the published rule on that customer, carried out by the worker, in the run log.
    await result.getByRole('button', { name: /立即运行/ }).click()
    await expect.poll(() => result.getByText('已加入运行队列，结果见运行日志。').count()).toBe(1)
    await rig.drainAutomation()
    const log = page.getByTestId('run-log')
    await log.getByRole('button', { name: '刷新' }).click()
    await expect.poll(() => log.locator('tbody tr').count()).toBeGreaterThan(0)
    const latest = log.locator('tbody tr').first()
    expect(await latest.textContent()).toContain(`#${customer.id}`)
    await screenshot(page, 'rules-run-log')
    // The outcome the server logged, in words (a manual run of this date-triggered rule is currently
    // logged as skipped, ANCHOR_MOVED: a server issue reported to the lead).
    const { runs } = await api.call<{ runs: Array<{ outcome: string; recordId: string }> }>(
      'GET',
      '/api/apps/crm/rule-runs?rule=silent_30_call_back&limit=1',
    )
    expect(runs[0]!.recordId).toBe(customer.id)
    const words: Record<string, string> = {
      succeeded: '成功',
      skipped: '已跳过',
      condition_false: '条件不满足',
    }
    expect(await latest.getByText(words[runs[0]!.outcome] ?? runs[0]!.outcome, { exact: true }).count()).toBe(
      1,
    )
  })

  it("edits a role's row scope and a conditional mask with the builder, and shows the builder in English", async () => {
    const { page, url } = rig
    await page.goto(`${url}/apps/crm/roles`)
    await page.getByRole('button', { name: /店员/ }).click()
    await page.getByRole('button', { name: '设置 客户' }).click()

    // The clerk's scope, `store = $user.store`, as a row with the user's attribute.
    const scope = page.getByRole('group', { name: '客户：可见记录' })
    const rows = scope.getByTestId('condition-row')
    await expect.poll(() => rows.count()).toBe(1)
    expect(await rows.first().getByLabel('值来源').inputValue()).toBe('user')
    expect(await rows.first().getByLabel('用户属性').inputValue()).toBe('store')
    await scope.getByRole('button', { name: '+ 添加条件', exact: true }).click()
    await rows.nth(1).getByLabel('字段').selectOption('lifecycle')
    await rows.nth(1).getByLabel('比较方式').selectOption('not_equals')
    await rows.nth(1).getByLabel('值', { exact: true }).selectOption('churned')
    expect(await page.getByTestId('role-form-customers').textContent()).toContain(
      '所属门店 等于 当前用户的 store 且 生命周期 不等于 已流失',
    )

    // Birthdays masked only for tier S customers (the template masks their phones and WeChat ids already).
    expect(await page.getByLabel('手机号 的规则').inputValue()).toBe('maskedWhen')
    await page.getByLabel('生日 的规则').selectOption('maskedWhen')
    const mask = page.getByRole('group', { name: '生日 在什么情况下打码' })
    const maskRow = mask.getByTestId('condition-row').first()
    await maskRow.getByLabel('字段').selectOption('tier')
    await maskRow.getByLabel('值', { exact: true }).selectOption('S')
    await page.getByLabel('备注 的规则').selectOption('hidden')
    await screenshot(page, 'roles-scope-and-mask')

    await page.getByRole('button', { name: '保存草稿' }).click()
    await expect.poll(() => page.getByText('草稿已保存').count()).toBe(1)
    // No problems for the server either.
    expect(await page.getByText(/个问题/).count()).toBe(0)
    const draft = await api.call<{ roles: Array<{ key: string; forms: Record<string, unknown> }> }>(
      'GET',
      '/api/apps/crm/draft',
    )
    const clerk = draft.roles.find((role) => role.key === 'clerk')!.forms.customers as Record<string, unknown>
    expect(clerk.scope).toEqual({
      and: [
        { '==': [{ var: 'store' }, { var: '$user.store' }] },
        { '!=': [{ var: 'lifecycle' }, 'churned'] },
      ],
    })
    expect((clerk.maskedWhen as Record<string, unknown>).birthday).toEqual({ '==': [{ var: 'tier' }, 'S'] })
    expect(clerk.hidden).toEqual(['note'])

    // English: the builder's labels and summaries follow the language.
    await page.getByRole('button', { name: 'English' }).click()
    const scopeEn = page.getByRole('group', { name: 'Customers: rows this role sees' })
    await expect
      .poll(() => scopeEn.getByRole('button', { name: '+ Add condition', exact: true }).count())
      .toBe(1)
    expect(await scopeEn.getByTestId('condition-row').first().getByLabel('Value from').inputValue()).toBe(
      'user',
    )
    expect(await page.getByTestId('role-form-customers').textContent()).toContain(
      "Store is the current user's store and Lifecycle is not Churned",
    )
    expect(await page.getByLabel('Rule for Birthday').inputValue()).toBe('maskedWhen')
    expect(
      await page.getByRole('group', { name: 'When Birthday is masked' }).getByText('Tier S').count(),
    ).toBe(1)
    await screenshot(page, 'roles-english')
    await page.getByRole('button', { name: '中文' }).click()
  })
})

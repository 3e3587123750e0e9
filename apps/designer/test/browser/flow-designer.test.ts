import fs from 'node:fs'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN, chromiumAvailable, CHROMIUM, screenshot, startRig, type BrowserRig } from '../support/browser'
import { connectNodes, dropFromPalette, flowNode, moveNode } from '../support/flows'

const missing = !chromiumAvailable()
if (missing && process.env.CI) throw new Error(`Chromium is required in CI and is missing at ${CHROMIUM}`)
if (missing) console.warn(`flow designer browser tests SKIPPED: no Chromium at ${CHROMIUM}`)

describe.skipIf(missing)('flow designer in Chromium on the CRM app', () => {
  let rig: BrowserRig

  beforeAll(async () => {
    rig = await startRig({ crm: { size: 50 } })
  })
  afterAll(async () => {
    await rig?.close()
  })
  afterEach(() => {
    expect(rig.consoleErrors).toEqual([])
    rig.consoleErrors.length = 0
  })

  const position = async (id: string) => {
    const box = await flowNode(rig.page, id).boundingBox()
    return { x: Math.round(box!.x), y: Math.round(box!.y) }
  }

  it('draws start → approval → end with the mouse, shows and clears validation errors, saves, runs and exports', async () => {
    const { page, url } = rig
    await page.goto(url)
    await page.getByLabel('用户名').fill(ADMIN.username)
    await page.getByLabel('密码').fill(ADMIN.password)
    await page.getByRole('button', { name: '登录', exact: true }).click()
    await expect.poll(() => page.getByRole('heading', { name: '我的应用' }).count()).toBe(1)

    await page.goto(`${url}/apps/crm/flows`)
    await page.getByRole('button', { name: '新建流程' }).first().click()
    const dialog = page.getByTestId('new-flow')
    await dialog.getByLabel('流程名称').fill('折扣审批')
    await dialog.getByLabel('流程标识').fill('discount_approval')
    await dialog.getByRole('button', { name: '创建流程' }).click()
    await expect
      .poll(() => page.locator('[data-flow="discount_approval"][aria-current="true"]').count())
      .toBe(1)

    // Three nodes dragged from the palette onto the canvas.
    await dropFromPalette(page, 'start', { x: 0.15, y: 0.4 })
    await dropFromPalette(page, 'user_task', { x: 0.45, y: 0.4 })
    await dropFromPalette(page, 'end', { x: 0.8, y: 0.4 })
    for (const id of ['start_1', 'user_task_1', 'end_1']) expect(await flowNode(page, id).count()).toBe(1)

    // Not connected yet: the engine's validator marks the dead ends in red, on the nodes.
    await expect.poll(() => flowNode(page, 'user_task_1').getAttribute('data-issue')).toBe('error')
    expect(await flowNode(page, 'start_1').getAttribute('data-issue')).toBe('error')
    expect(await flowNode(page, 'user_task_1').getByText('没有出线，流程会停在这里').count()).toBe(1)
    await screenshot(page, 'flow-unconnected')

    await connectNodes(page, 'start_1', 'user_task_1')
    await connectNodes(page, 'user_task_1', 'end_1')
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(2)
    await expect.poll(() => flowNode(page, 'start_1').getAttribute('data-issue')).toBe(null)
    // Still a warning: nobody is assigned to the approval.
    expect(await flowNode(page, 'user_task_1').getAttribute('data-issue')).toBe('warning')

    // The assignee: a user without an id is an error on the node until a role is chosen instead.
    await flowNode(page, 'user_task_1').click()
    const panel = page.getByTestId('node-panel')
    await panel.getByLabel('处理人').selectOption('user')
    await expect.poll(() => flowNode(page, 'user_task_1').getAttribute('data-issue')).toBe('error')
    expect(await flowNode(page, 'user_task_1').getByText('配置无效').count()).toBe(1)
    await screenshot(page, 'flow-assignee-error')
    await panel.getByLabel('处理人').selectOption('role')
    await panel.getByLabel('角色', { exact: true }).selectOption('store_manager')
    await expect.poll(() => flowNode(page, 'user_task_1').getAttribute('data-issue')).toBe(null)
    expect(await flowNode(page, 'user_task_1').getByText('角色 store_manager').count()).toBe(1)
    expect(await page.getByTestId('flow-issue-counts').getByText('校验通过').count()).toBe(1)

    // Moving a node is an edit like any other: undo puts it back.
    const before = await position('end_1')
    await moveNode(page, 'end_1', { x: 0, y: 90 })
    const moved = await position('end_1')
    expect(moved.y - before.y).toBeGreaterThan(60)
    await page.getByRole('button', { name: '撤销' }).click()
    await expect.poll(() => position('end_1')).toEqual(before)
    await page.getByRole('button', { name: '重做' }).click()
    await expect.poll(() => position('end_1')).toEqual(moved)

    await page.getByRole('button', { name: '保存草稿' }).click()
    await expect.poll(() => page.getByText('草稿已保存').count()).toBeGreaterThan(0)
    // After the save the server has checked the very same flow (and found nothing either).
    await expect.poll(() => page.getByTestId('server-checked').count()).toBe(1)
    await screenshot(page, 'flow-saved')

    // Test run: start, the approval holds the token, approve, the flow ends.
    await page.getByRole('button', { name: '试运行', exact: true }).click()
    await page.getByRole('button', { name: '开始试运行' }).click()
    await expect.poll(() => flowNode(page, 'user_task_1').getAttribute('data-active')).toBe('true')
    expect(await page.locator('[data-run-status="running"]').count()).toBe(1)
    await screenshot(page, 'flow-test-run')
    await page.locator('[data-run-task="user_task_1"]').getByRole('button', { name: '通过' }).click()
    await expect.poll(() => page.locator('[data-run-status="completed"]').count()).toBe(1)
    expect(await flowNode(page, 'end_1').getAttribute('data-visited')).toBe('true')
    expect(await flowNode(page, 'user_task_1').getAttribute('data-active')).toBe(null)
    await screenshot(page, 'flow-test-run-done')
    await page.getByRole('button', { name: '停止' }).click()

    // BPMN export of the flow as it stands in the designer.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: '导出 BPMN' }).click(),
    ])
    expect(download.suggestedFilename()).toBe('discount_approval.bpmn')
    const xml = fs.readFileSync((await download.path())!, 'utf8')
    expect(xml).toContain('<bpmn:userTask id="user_task_1"')
    expect(xml).toContain('store_manager')
    expect(xml).toContain('<bpmndi:BPMNDiagram')
  })

  it('deletes a node with the Delete key and imports the exported BPMN back as another flow', async () => {
    const { page } = rig
    await flowNode(page, 'end_1').click()
    await page.keyboard.press('Delete')
    await expect.poll(() => flowNode(page, 'end_1').count()).toBe(0)
    // React Flow draws a node's edges once it has measured the node, a frame or more after the node.
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(1)
    await expect.poll(() => flowNode(page, 'user_task_1').getAttribute('data-issue')).toBe('error')
    await page.getByRole('button', { name: '撤销' }).click()
    await expect.poll(() => flowNode(page, 'end_1').count()).toBe(1)
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(2)

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: '导出 BPMN' }).click(),
    ])
    const xml = fs
      .readFileSync((await download.path())!, 'utf8')
      .replace(/discount_approval/g, 'discount_copy')
    await page
      .getByTestId('bpmn-file')
      .first()
      .setInputFiles({
        name: 'discount_copy.bpmn',
        mimeType: 'application/xml',
        buffer: Buffer.from(xml),
      })
    await expect.poll(() => page.getByText('已导入流程 discount_copy').count()).toBe(1)
    expect(await page.locator('[data-flow="discount_copy"][aria-current="true"]').count()).toBe(1)
    for (const id of ['start_1', 'user_task_1', 'end_1']) expect(await flowNode(page, id).count()).toBe(1)
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(2)
    await screenshot(page, 'flow-imported')

    // Renaming is one undoable edit, shown in the list at once.
    await page.getByRole('textbox', { name: '流程名称' }).fill('折扣审批（副本）')
    await expect
      .poll(() => page.locator('[data-flow="discount_copy"]').getByText('折扣审批（副本）').count())
      .toBe(1)
  })

  it("test-runs the CRM's quotation approval: the amount in the sample record picks the gateway's branch", async () => {
    const { page } = rig
    await page.locator('[data-flow="quote_approval"]').click()
    for (const id of ['quote', 'amount_gate', 'fork', 'join', 'manager_only', 'approved'])
      expect(await flowNode(page, id).count()).toBe(1)

    // An edge of the amount gateway: its condition in the visual condition builder.
    await page.locator('[data-flow-edge="amount_gate__fork"] text').first().click({ force: true })
    const edgePanel = page.getByTestId('edge-panel')
    await expect.poll(() => edgePanel.count()).toBe(1)
    expect(await edgePanel.getByText('amount_gate → fork').count()).toBe(1)
    await expect.poll(() => edgePanel.getByTestId('edge-condition').count()).toBe(1)
    await screenshot(page, 'flow-edge-condition')

    await page.getByRole('button', { name: '试运行', exact: true }).click()
    const run = page.getByTestId('test-run')
    const settleAction = async (node: string) =>
      run.locator(`[data-run-action="${node}"]`).getByRole('button', { name: '动作成功' }).click()
    const approve = async (node: string) =>
      run.locator(`[data-run-task="${node}"]`).getByRole('button', { name: '通过' }).click()

    // ¥30,000: finance and the store manager approve in parallel.
    await run.getByLabel('示例记录（JSON）').fill('{"amount": 30000}')
    await run.getByRole('button', { name: '开始试运行' }).click()
    await settleAction('pending')
    await expect.poll(() => flowNode(page, 'finance_approve').getAttribute('data-active')).toBe('true')
    expect(await flowNode(page, 'manager_approve').getAttribute('data-active')).toBe('true')
    expect(await flowNode(page, 'manager_only').getAttribute('data-visited')).toBe(null)
    await screenshot(page, 'flow-test-run-parallel')
    await approve('finance_approve')
    await approve('manager_approve')
    await settleAction('approve')
    await expect.poll(() => run.getByText('流程已结束，结果：approved').count()).toBe(1)

    // ¥100: the store manager alone; a rejection ends at "rejected".
    await run.getByLabel('示例记录（JSON）').fill('{"amount": 100}')
    await run.getByRole('button', { name: '重新开始' }).click()
    await settleAction('pending')
    await expect.poll(() => flowNode(page, 'manager_only').getAttribute('data-active')).toBe('true')
    expect(await flowNode(page, 'fork').getAttribute('data-visited')).toBe(null)
    await run.locator('[data-run-task="manager_only"]').getByRole('button', { name: '驳回' }).click()
    await settleAction('reject')
    await expect.poll(() => run.getByText('流程已结束，结果：rejected').count()).toBe(1)
    expect(await flowNode(page, 'rejected').getAttribute('data-visited')).toBe('true')
    await screenshot(page, 'flow-test-run-gateway')
    await run.getByRole('button', { name: '停止' }).click()
  })

  it("fires a task's due timer in a test run: the service ticket escalates to the store manager", async () => {
    const { page } = rig
    await page.locator('[data-flow="service_ticket"]').click()
    await page.getByRole('button', { name: '试运行', exact: true }).click()
    const run = page.getByTestId('test-run')
    await run.getByRole('button', { name: '开始试运行' }).click()
    await run.locator('[data-run-action="acknowledge"]').getByRole('button', { name: '动作成功' }).click()
    // The task offers only the outcomes its node allows.
    const assign = run.locator('[data-run-task="assign"]')
    expect(await assign.getByRole('button').allTextContents()).toEqual(['通过'])
    await assign.getByRole('button', { name: '通过' }).click()
    await run.locator('[data-run-action="mark_assigned"]').getByRole('button', { name: '动作成功' }).click()
    await expect.poll(() => flowNode(page, 'handle').getAttribute('data-active')).toBe('true')

    // Two days later the deadline fires: the task is cancelled and the overdue edge taken.
    await run.locator('[data-run-timer="handle"]').getByRole('button', { name: '让定时器到期' }).click()
    await run.locator('[data-run-action="escalate"]').getByRole('button', { name: '动作成功' }).click()
    await expect.poll(() => flowNode(page, 'manager_handle').getAttribute('data-active')).toBe('true')
    expect(await flowNode(page, 'handle').getAttribute('data-active')).toBe(null)
    expect(await run.getByText('定时器到期 · 处理工单').count()).toBe(1)
    await screenshot(page, 'flow-test-run-timer')
    await run.getByRole('button', { name: '停止' }).click()
  })
})

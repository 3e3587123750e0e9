import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { importBpmn } from '@trellis/flow-engine'
import { beforeAll, expect, it } from 'vitest'
import { approval, quotesApp, setUpQuotes } from './flows-fixtures.js'
import { useApi } from './support/api.js'
import { describeEachDatabase } from './support/databases.js'

const fixtures = path.resolve(
  fileURLToPath(new URL('.', import.meta.url)),
  '../../../../shared/fixtures/bpmn-miwg',
)
const fixture = (name: string) => readFileSync(path.join(fixtures, `${name}.bpmn`), 'latin1')

describeEachDatabase('flows: definitions, BPMN, versions', (ctx) => {
  const api = useApi(ctx)

  beforeAll(async () => {
    expect((await api.call('POST', '/api/apps', quotesApp('fb', []))).status).toBe(201)
  })

  const importXml = (xml: string) =>
    api.app.inject({
      method: 'POST',
      url: '/api/apps/fb/flows/import',
      headers: { ...api.headers, 'content-type': 'application/xml' },
      payload: xml,
    })

  it('MIWG A.1.0 imports into the draft as XML and exports back as BPMN that re-imports', async () => {
    const res = await importXml(fixture('A.1.0'))
    expect(res.statusCode, res.body).toBe(200)
    const body = res.json()
    const key = body.flow.key as string
    expect(body.flow.nodes.length).toBeGreaterThan(3)
    // Plain BPMN tasks have no assignee: a warning, not an error.
    expect(body.issues.map((i: { code: string }) => i.code)).toContain('missing_assignee')
    const draft = await api.call('GET', '/api/apps/fb/flows?source=draft')
    expect(draft.body.flows.map((f: { key: string }) => f.key)).toEqual([key])

    const exported = await api.call('GET', `/api/apps/fb/flows/${key}/bpmn?source=draft`)
    expect(exported.status).toBe(200)
    const again = importBpmn(exported.body)
    expect('definition' in again && again.definition.nodes.length).toBe(body.flow.nodes.length)
  })

  it('MIWG B.1.0 is refused with the id and type of every unsupported element; JSON {xml} works too', async () => {
    const res = await api.call('POST', '/api/apps/fb/flows/import', { xml: fixture('B.1.0') })
    expect(res.status).toBe(422)
    expect(res.body.code).toBe('BPMN_UNSUPPORTED')
    const errors = res.body.details.errors as Array<{ code: string; elementId: string; elementType: string }>
    expect(errors.length).toBeGreaterThan(3)
    for (const e of errors) {
      expect(e.code).toBe('unsupported_element')
      expect(e.elementId).toBeTruthy()
    }
    expect(errors.map((e) => e.elementType)).toEqual(
      expect.arrayContaining(['subProcess', 'callActivity', 'laneSet']),
    )
    const draft = await api.call('GET', '/api/apps/fb/flows?source=draft')
    expect(draft.body.flows).toHaveLength(1)
  })

  it('publishing is refused while a flow has errors, with the flow path', async () => {
    const draft = (await api.call('GET', '/api/apps/fb/draft')).body
    const broken = {
      ...approval,
      key: 'broken',
      // Two default edges on one gateway: an error.
      edges: approval.edges.map((e) => (e.id === 'e3' ? { ...e, default: true } : e)),
    }
    const saved = await api.call('PUT', '/api/apps/fb/draft', { ...draft, flows: [broken] })
    expect(saved.status, JSON.stringify(saved.body)).toBeLessThan(300)
    const res = await api.call('POST', '/api/apps/fb/publish', {})
    expect(res.status).toBe(422)
    expect(res.body.details.issues.map((i: { code: string }) => i.code)).toContain('multiple_defaults')
    expect(res.body).toMatchObject({ code: 'FLOW_INVALID', path: expect.stringMatching(/^flows\.0\./) })
  })

  it('instances finish on the flow version they started with', async () => {
    const users = await setUpQuotes(api, 'fv', [approval])
    const record = (
      await api.call('POST', '/api/apps/fv/forms/quotes/records', { values: { title: 'v1', amount: 1 } })
    ).body.id
    const started = await api.callAs(users.owner.token, 'POST', '/api/apps/fv/flows/approval/instances', {
      form: 'quotes',
      recordId: record,
    })
    expect(started.status).toBe(201)
    // Version 2 sends everything to finance first and ends elsewhere.
    const v2 = {
      ...approval,
      version: 2,
      nodes: approval.nodes.map((n) =>
        n.id === 'approve' ? { ...n, config: { assignee: { kind: 'role', role: 'finance' } } } : n,
      ),
    }
    const draft = (await api.call('GET', '/api/apps/fv/draft')).body
    expect((await api.call('PUT', '/api/apps/fv/draft', { ...draft, flows: [v2] })).status).toBeLessThan(300)
    expect((await api.call('POST', '/api/apps/fv/publish', {})).status).toBe(200)

    const tasks = (await api.callAs(users.manager.token, 'GET', '/api/inbox?app=fv')).body.tasks
    expect(tasks).toHaveLength(1)
    const done = await api.callAs(users.manager.token, 'POST', `/api/tasks/${tasks[0].id}/complete`, {
      outcome: 'approve',
    })
    expect(done.body).toMatchObject({ status: 'completed', flowVersion: 1, result: 'small' })

    const next = await api.callAs(users.owner.token, 'POST', '/api/apps/fv/flows/approval/instances', {
      form: 'quotes',
      recordId: record,
    })
    expect(next.body.flowVersion).toBe(2)
    expect((await api.callAs(users.finance.token, 'GET', '/api/inbox?app=fv')).body.tasks).toHaveLength(1)
  })
})

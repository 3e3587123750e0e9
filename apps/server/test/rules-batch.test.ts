import { sql } from 'kysely'
import { beforeAll, expect, it } from 'vitest'
import { retentionApp } from './rules-fixtures.js'
import { useApi } from './support/api.js'
import { describeEachDatabase } from './support/databases.js'

/**
 * The outbox consumer runs record-only rules of a whole batch of events with one write per rule and
 * form: each record still gets exactly one update, audit entry and event per run, later runs in the
 * batch see what earlier ones wrote, and other actions in between still see the records as they are.
 */
describeEachDatabase('rules: batched inline runs', (ctx) => {
  const api = useApi(ctx)
  const db = () => ctx.database.db

  beforeAll(async () => {
    const rules = [
      {
        key: 'promote',
        trigger: { kind: 'record', form: 'customers', on: ['created'] },
        condition: { '>=': [{ var: 'points' }, 1000] },
        actions: [{ type: 'set_fields', values: { tier: 'vip', points: { '+': [{ var: 'points' }, 1] } } }],
      },
      {
        // Runs after `promote` on the same event: plans on the record promote just changed.
        key: 'copy_tier',
        trigger: { kind: 'record', form: 'customers', on: ['created'] },
        actions: [{ type: 'set_fields', values: { note: { cat: ['tier:', { var: 'tier' }] } } }],
      },
      {
        // Not record-only (a message): runs on its own, between the batched ones.
        key: 'greet',
        trigger: { kind: 'record', form: 'customers', on: ['created'] },
        condition: { '==': [{ var: 'name' }, '问候'] },
        actions: [{ type: 'notify', channel: 'in_app', to: { var: 'id' }, body: { 'zh-CN': '{{note}}' } }],
      },
      {
        // A rule on the events the others write: depth 1, caused by the rule that wrote them.
        key: 'tag_vip',
        trigger: { kind: 'record', form: 'customers', on: ['updated'], fields: ['tier'] },
        condition: { '==': [{ var: 'tier' }, 'vip'] },
        actions: [{ type: 'add_tags', field: 'tags', tags: ['vip'] }],
      },
    ]
    expect((await api.call('POST', '/api/apps', retentionApp('batch', rules))).status).toBe(201)
    expect((await api.call('POST', '/api/apps/batch/publish', {})).status).toBe(200)
  })

  it('runs every rule once per event, in order, with one audit entry and event per write', async () => {
    const names = Array.from({ length: 60 }, (_, i) => (i === 30 ? '问候' : `客户${i}`))
    const created = await api.app.trellis.records.bulkCreate(
      'batch',
      'customers',
      names.map((name, i) => ({ name, points: i % 2 === 0 ? 1200 : 10 })),
      { actor: null },
    )
    await api.app.automation.drain()

    const { rows } = await sql<{
      name: string
      tier: string | null
      points: number
      note: string | null
      tags: string[] | null
      version: number
    }>`select name, tier, points, note, tags, version from app_batch.customers order by id`.execute(db())
    expect(rows).toHaveLength(60)
    rows.forEach((row) => {
      const vip = names.indexOf(row.name) % 2 === 0
      expect(row).toMatchObject({
        tier: vip ? 'vip' : null,
        points: vip ? 1201 : 10,
        // copy_tier ran after promote on the same record and saw its change.
        note: vip ? 'tier:vip' : 'tier:',
        tags: vip ? ['vip'] : null,
        // created 1, promote +1 (vip only), copy_tier +1, tag_vip +1 (vip only)
        version: vip ? 4 : 2,
      })
    })

    const ids = created.map((r) => String(r.id))
    const audit = await sql<{ n: number }>`select count(*)::int as n from trellis.audit_log
      where app_key = 'batch' and action = 'update' and record_id = any(${ids})`.execute(db())
    expect(audit.rows[0]!.n).toBe(30 * 3 + 30)
    const events = await sql<{ rule: string; depth: number; n: number }>`
      select cause->>'rule' as rule, (cause->>'depth')::int as depth, count(*)::int as n from trellis.outbox
      where topic = 'record.updated' and payload->>'app' = 'batch' group by 1, 2 order by 1`.execute(db())
    expect(events.rows).toEqual([
      { rule: 'copy_tier', depth: 1, n: 60 },
      { rule: 'promote', depth: 1, n: 30 },
      { rule: 'tag_vip', depth: 2, n: 30 },
    ])
    // The audit entry of a batched write has the record before and after, and the rule as actor.
    const entry = await sql<{ actor: string; before: { tier: string | null }; after: { tier: string } }>`
      select actor, before, after from trellis.audit_log where app_key = 'batch' and action = 'update'
        and record_id = (select id::text from app_batch.customers where name = ${names[0]!})
        and actor = 'rule:promote'`.execute(db())
    expect(entry.rows).toHaveLength(1)
    expect(entry.rows[0]).toMatchObject({ before: { tier: null }, after: { tier: 'vip' } })

    const runs = await sql<{ rule: string; outcome: string; n: number }>`
      select rule_key as rule, outcome, count(*)::int as n from trellis.rule_runs where app_key = 'batch'
      group by 1, 2 order by 1`.execute(db())
    expect(runs.rows).toEqual([
      { rule: 'copy_tier', outcome: 'succeeded', n: 60 },
      { rule: 'greet', outcome: 'succeeded', n: 1 },
      { rule: 'promote', outcome: 'succeeded', n: 30 },
      { rule: 'tag_vip', outcome: 'succeeded', n: 30 },
    ])
    // The message in the middle of the batch saw the note written by the batched run before it.
    const message = await sql<{ body: string }>`select body from trellis.messages
      where app_key = 'batch' and rule_key = 'greet'`.execute(db())
    expect(message.rows).toEqual([{ body: 'tier:vip' }])
    const pending = await sql<{ n: number }>`select count(*)::int as n from trellis.outbox
      where processed_at is null`.execute(db())
    expect(pending.rows[0]!.n).toBe(0)
  })
})

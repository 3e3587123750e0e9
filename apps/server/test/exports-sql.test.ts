import type { AppDefinition } from '@trellis/form-engine'
import { sql } from 'kysely'
import { beforeAll, expect, it } from 'vitest'
import type { Viewer } from '../src/auth/viewer.js'
import type { DynamicDb } from '../src/db/dynamic.js'
import { exportCsv, exportedFields, exportPageSize, type PageReader } from '../src/imports/export-csv.js'
import { SqlCsvExport } from '../src/imports/export-sql.js'
import { useApi } from './support/api.js'
import { describeEachDatabase } from './support/databases.js'

/** Every field type a CSV export writes, on one form; `shops` for a relation and a clerk's row scope. */
function catalog(): AppDefinition {
  const label = (text: string) => ({ 'zh-CN': text, en: text })
  return {
    key: 'xsql',
    name: label('Export SQL'),
    forms: [
      {
        key: 'shops',
        label: label('Shops'),
        titleField: 'name',
        fields: [{ key: 'name', type: 'text', label: label('Name') }],
      },
      {
        key: 'items',
        label: label('Items'),
        titleField: 'name',
        fields: [
          { key: 'code', type: 'auto_number', label: label('Code'), autoNumber: { prefix: 'IT', digits: 4 } },
          { key: 'name', type: 'text', label: label('Name') },
          { key: 'note', type: 'long_text', label: label('Note') },
          { key: 'n', type: 'number', label: label('N') },
          { key: 'k', type: 'number', label: label('K'), integer: true },
          { key: 'd', type: 'decimal', label: label('D'), scale: 3 },
          { key: 'price', type: 'currency', label: label('Price'), scale: 2 },
          { key: 'pct', type: 'percent', label: label('Pct') },
          { key: 'ok', type: 'boolean', label: label('OK') },
          { key: 'day', type: 'date', label: label('Day') },
          { key: 'at', type: 'datetime', label: label('At') },
          {
            key: 'kind',
            type: 'select',
            label: label('Kind'),
            options: [
              { value: 'a', label: label('A') },
              { value: 'b', label: label('B') },
            ],
          },
          {
            key: 'kinds',
            type: 'multi_select',
            label: label('Kinds'),
            options: [
              { value: 'a', label: label('A') },
              { value: 'b', label: label('B') },
            ],
          },
          { key: 'tags', type: 'tags', label: label('Tags') },
          { key: 'mail', type: 'email', label: label('Mail') },
          { key: 'phone', type: 'phone', label: label('Phone') },
          { key: 'site', type: 'url', label: label('Site') },
          { key: 'owner', type: 'user', label: label('Owner') },
          { key: 'shop', type: 'relation', label: label('Shop'), relation: { form: 'shops' } },
          { key: 'files', type: 'attachment', label: label('Files') },
          {
            key: 'twice',
            type: 'formula',
            label: label('Twice'),
            resultType: 'number',
            formula: { '*': [{ var: 'n' }, 2] },
          },
        ],
      },
    ],
    roles: [
      {
        key: 'clerk',
        label: label('Clerk'),
        forms: {
          shops: { actions: ['read'] },
          items: {
            actions: ['read', 'export'],
            scope: { '==': [{ var: 'shop' }, { var: '$user.shop' }] },
            hidden: ['note'],
          },
        },
      },
      {
        key: 'masked',
        label: label('Masked'),
        forms: {
          shops: { actions: ['read'] },
          items: { actions: ['read', 'export'], masked: ['phone'] },
        },
      },
    ],
  }
}

/** Texts that stress quoting and formula neutralizing, in both text and array cells. */
const texts = [
  'plain',
  '',
  '=1+1',
  '+86 138',
  '-12',
  '-1.5',
  '-1e5',
  '-',
  '@SUM(A1)',
  '\tTab',
  '\rCR',
  '\nLF',
  'a,b',
  'say "hi"',
  'two\r\nlines',
  '"=quoted',
  '客户，中文',
  '😀 emoji',
  "'already",
  ' =space first',
]

/** Doubles whose JavaScript and PostgreSQL texts differ in notation, and ordinary ones. */
const doubles = [
  '0',
  '-0',
  '1',
  '-1',
  '0.1',
  '0.30000000000000004',
  '123.456',
  '-123.456',
  '0.0001',
  '0.00001',
  '0.000001',
  '0.0000001',
  '-0.0000001',
  '1.5e-7',
  '5e-324',
  '-5e-324',
  '1e14',
  '1e15',
  '-1e15',
  '123456789012345680',
  '1e20',
  '9.999999999999999e20',
  '1e21',
  '-1e21',
  '1.7976931348623157e308',
  'NaN',
  'Infinity',
  '-Infinity',
  // From 2^53, where JavaScript settles a tie one digit shorter than PostgreSQL prints the double.
  '63089415064822700',
  '-142846074120052200',
  '4327917591413472000',
  '57949220191008140',
]

/**
 * Deterministic doubles from random bit patterns, as JavaScript prints them: every exponent, or (`large`)
 * from 2^50 to 2^70, where ties are.
 */
function randomDoubles(count: number, large = false): string[] {
  let seed = 0x2545f491
  const next = () => {
    seed ^= seed << 13
    seed ^= seed >>> 17
    seed ^= seed << 5
    return seed >>> 0
  }
  const view = new DataView(new ArrayBuffer(8))
  const out: string[] = []
  while (out.length < count) {
    view.setUint32(0, next())
    view.setUint32(4, next())
    if (large) view.setUint16(0, (view.getUint16(0) & 0x800f) | ((1023 + 50 + (next() % 20)) << 4))
    const value = view.getFloat64(0)
    if (Number.isFinite(value)) out.push(String(value))
  }
  return out
}

async function collect(lines: AsyncGenerator<string>): Promise<string> {
  let text = ''
  for await (const chunk of lines) text += chunk
  return text
}

describeEachDatabase('CSV export lines written by the database', (ctx) => {
  const api = useApi(ctx)
  let shopA = ''
  let clerk: { id: string; token: string }
  let masked: { id: string; token: string }

  beforeAll(async () => {
    expect((await api.call('POST', '/api/apps', catalog())).status).toBe(201)
    expect((await api.call('POST', '/api/apps/xsql/publish', {})).status).toBe(200)
    const base = '/api/apps/xsql/forms'
    shopA = (await api.call('POST', `${base}/shops/records`, { values: { name: 'A' } })).body.id
    const shopB = (await api.call('POST', `${base}/shops/records`, { values: { name: 'B' } })).body.id
    // Through the API: what users store (computed formula, auto number, attachments, datetimes).
    for (const [i, text] of texts.entries()) {
      const res = await api.call('POST', `${base}/items/records`, {
        values: {
          name: text || null,
          note: `${text} note`,
          n: i % 3 === 0 ? -i / 7 : i * 1000.25,
          k: i % 2 ? -i : i * 123456789,
          d: i % 2 ? `-${i}.125` : `${i}.5`,
          price: `${i * 11}.99`,
          pct: '0.15',
          ok: i % 3 === 0 ? null : i % 3 === 1,
          day: `2024-0${(i % 9) + 1}-1${i % 10}`,
          at: `2024-03-0${(i % 9) + 1}T0${i % 10}:15:30.${String(i * 47).padStart(3, '0')}Z`,
          kind: i % 2 ? 'a' : 'b',
          kinds: i % 3 ? ['a', 'b'] : [],
          tags: text ? [text, 'x,y', 'q"t'] : [],
          mail: `u${i}@example.com`,
          phone: `1380013${String(8000 + i)}`,
          site: `https://example.com/${i}?a=1,2`,
          shop: i % 2 ? shopA : shopB,
        },
      })
      expect(res.status, JSON.stringify(res.body)).toBe(201)
    }
    // Directly in SQL: values the API does not produce, which the export must still write alike.
    const table = sql.table('app_xsql.items')
    await sql`insert into ${table} (name, n, tags, shop)
      select 'double ' || v, v::float8, array['null-next', null, ''], ${shopA} from unnest(${[...doubles, ...randomDoubles(2000), ...randomDoubles(500, true)]}::text[]) v`.execute(
      ctx.database.db,
    )
    await sql`insert into ${table} (name, tags, k, d, day) values (null, '{}', -9007199254740993, '-0.001', '0044-03-15')`.execute(
      ctx.database.db,
    )
    await sql`insert into ${table} (name, tags, day) values ('infinite', '{"=a",",b"}', '-infinity')`.execute(
      ctx.database.db,
    )
    // Attachments' metadata (the files themselves are another test's business), and JSON the export
    // writes as JSON.
    await sql`update ${table} set owner = name where id % 2 = 0`.execute(ctx.database.db)
    await sql`update ${table} set files = case id % 4
        when 0 then '[{"id": "f1", "name": "=a,b.pdf", "size": 1, "type": "application/pdf"}, {"id": "f2", "name": "c", "size": 2, "type": "text/plain"}]'::jsonb
        when 1 then '[]'::jsonb
        when 2 then '["s", 1.5, null, {"x": 1}]'::jsonb
        else '{"k": [1, "two"]}'::jsonb end`.execute(ctx.database.db)
    clerk = await api.user({ username: 'xsql_clerk', attributes: { shop: shopA } })
    await api.call('PUT', `/api/apps/xsql/members/${clerk.id}`, { role: 'clerk' })
    masked = await api.user({ username: 'xsql_masked' })
    await api.call('PUT', `/api/apps/xsql/members/${masked.id}`, { role: 'masked' })
  })

  /** The CSV through both read paths for one viewer (undefined: full access). */
  async function bothPaths(viewer: Viewer | undefined, filter?: unknown) {
    const trellis = api.app.trellis
    const app = await trellis.apps.requirePublished('xsql')
    const form = app.form('items')
    const accessOf = await trellis.access.resolver(app, viewer)
    const access = accessOf(form)
    const context = { actor: viewer?.username ?? null, ...(viewer ? { viewer } : {}) }
    const read: PageReader = (options) =>
      trellis.records.list('xsql', 'items', options, context, exportPageSize)
    const options = { locale: 'en' as const, ...(filter !== undefined ? { filter } : {}) }
    const lines = SqlCsvExport.for(
      ctx.database.db as unknown as DynamicDb,
      app,
      form,
      accessOf,
      exportedFields(form, access),
    )
    return {
      lines,
      paged: await collect(exportCsv(form, access, read, options)),
      sql: lines ? await collect(exportCsv(form, access, read, options, lines)) : undefined,
    }
  }

  const viewerOf = (user: { id: string }, username: string, attributes: Record<string, unknown>): Viewer => ({
    userId: user.id,
    username,
    isAdmin: false,
    attributes,
    via: 'token',
    scopes: 'all',
  })

  it('writes every field type byte for byte as the records reader’s export does', async () => {
    const { lines, paged, sql: text } = await bothPaths(undefined)
    expect(lines).toBeDefined()
    expect(text).toBe(paged)
    const rows = paged.trimEnd().split('\r\n')
    expect(rows.length).toBeGreaterThan(2000)
    // Neutralized and quoted as before: formula-like text, a text negative number kept as a number.
    expect(paged).toContain(",'=1+1,")
    expect(paged).toContain(',-12,')
    expect(paged).toContain(`,"two\r\nlines",`)
    expect(paged).toContain(`,"say ""hi""",`)
    // Doubles as JavaScript prints them.
    expect(paged).toContain(',double 1e15,,1000000000000000,')
    expect(paged).toContain(`,double -0.0000001,,'-1e-7,`)
    expect(paged).toContain(",double -Infinity,,'-Infinity,")
  })

  it('gives the same bytes in small pages, each with or without doubles JavaScript must print', async () => {
    const { lines, paged } = await bothPaths(undefined)
    const header = paged.slice(0, paged.indexOf('\r\n') + 2)
    expect(header + (await collect(lines!.pages({ pageSize: 37 })))).toBe(paged)
  })

  it('exports records added while it runs, after the ones it started with', async () => {
    const trellis = api.app.trellis
    const app = await trellis.apps.requirePublished('xsql')
    const form = app.form('items')
    const accessOf = await trellis.access.resolver(app, undefined)
    const lines = SqlCsvExport.for(
      ctx.database.db as unknown as DynamicDb,
      app,
      form,
      accessOf,
      exportedFields(form, accessOf(form)),
    )!
    const pages = lines.pages({ pageSize: 40 })
    let text = (await pages.next()).value as string
    await sql`insert into app_xsql.items (name) select 'added ' || g from generate_series(1, 100) g`.execute(
      ctx.database.db,
    )
    for await (const page of pages) text += page
    const added = text.split('\r\n').filter((line) => /^\d+,[^,]*,added \d+,/.test(line))
    expect(added.map((line) => line.split(',')[2])).toEqual(
      Array.from({ length: 100 }, (_, i) => `added ${i + 1}`),
    )
    await sql`delete from app_xsql.items where name like 'added %'`.execute(ctx.database.db)
  })

  it('applies a filter alike', async () => {
    const filter = { and: [{ '>': [{ var: 'n' }, 0] }, { '==': [{ var: 'kind' }, 'a'] }] }
    const { sql: text, paged } = await bothPaths(undefined, filter)
    expect(text).toBe(paged)
    expect(paged.trimEnd().split('\r\n').length).toBeGreaterThan(2)
    // Doubles below 1e15 only: every one printed by SQL.
    const small = { and: [{ '<': [{ var: 'n' }, 1e15] }, { '>': [{ var: 'n' }, -1e15] }] }
    const both = await bothPaths(undefined, small)
    expect(both.sql).toBe(both.paged)
    expect(both.paged.trimEnd().split('\r\n').length).toBeGreaterThan(1000)
  })

  it('keeps a clerk’s row scope and hidden fields, over HTTP too', async () => {
    const viewer = viewerOf(clerk, 'xsql_clerk', { shop: shopA })
    const { lines, paged, sql: text } = await bothPaths(viewer)
    expect(lines).toBeDefined()
    expect(text).toBe(paged)
    const res = await api.app.inject({
      method: 'GET',
      url: '/api/apps/xsql/forms/items/export.csv?locale=en',
      headers: { authorization: `Bearer ${clerk.token}` },
    })
    expect(res.statusCode).toBe(200)
    expect(res.body).toBe(paged)
    expect(res.body.split('\r\n')[0]).not.toContain('Note')
    expect(res.body).not.toContain(' note')
    // Exactly the clerk's shop's records (a line starts with its id; a quoted line break does not).
    const ids = res.body
      .split('\r\n')
      .slice(1)
      .flatMap((line) => /^(\d+),/.exec(line)?.[1] ?? [])
    const { rows } = await sql<{ id: string }>`select id from app_xsql.items
      where shop = ${shopA} and deleted_at is null order by id`.execute(ctx.database.db)
    expect(ids).toEqual(rows.map((r) => String(r.id)))
    expect(ids.length).toBeGreaterThan(2000)
  })

  it('leaves a viewer with masked fields to the records reader: masked values stay masked', async () => {
    const viewer = viewerOf(masked, 'xsql_masked', {})
    const { lines } = await bothPaths(viewer)
    expect(lines).toBeUndefined()
    const res = await api.app.inject({
      method: 'GET',
      url: '/api/apps/xsql/forms/items/export.csv',
      headers: { authorization: `Bearer ${masked.token}` },
    })
    expect(res.statusCode).toBe(200)
    expect(res.body).toContain('138****8000')
    expect(res.body).not.toContain('13800138000')
  })
})

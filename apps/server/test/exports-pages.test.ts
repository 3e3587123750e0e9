import { sql } from 'kysely'
import { beforeAll, expect, it } from 'vitest'
import { useApi } from './support/api.js'
import { describeEachDatabase } from './support/databases.js'
import { shopApp } from './support/shop-app.js'

const base = '/api/apps/shop/forms/customers'
const total = 12_001

/** The data lines of an exported CSV (BOM and header dropped). */
const dataLines = (text: string) =>
  text
    .replace(/^\uFEFF/, '')
    .trimEnd()
    .split('\r\n')
    .slice(1)

describeEachDatabase('exports stream every record across pages', (ctx) => {
  const api = useApi(ctx)

  beforeAll(async () => {
    await api.call('POST', '/api/apps', shopApp())
    await api.call('POST', '/api/apps/shop/publish', {})
    // Stored in one statement: the API's bulk path is tested elsewhere, and would take minutes here.
    await sql`insert into app_shop.customers (name, points)
      select '客户' || g, g % 7 from generate_series(0, ${total - 1}) g order by g`.execute(ctx.database.db)
  })

  it('exports more records than two export pages hold, each once and in id order', async () => {
    const res = await api.app.inject({ method: 'GET', url: `${base}/export.csv`, headers: api.headers })
    expect(res.statusCode).toBe(200)
    const lines = dataLines(res.body)
    expect(lines).toHaveLength(total)
    const ids = lines.map((line) => Number(line.split(',')[0]))
    expect(ids.every((id, i) => i === 0 || id > ids[i - 1]!)).toBe(true)
    expect(lines[0]).toContain('客户0')
    expect(lines.at(-1)).toContain(`客户${total - 1}`)
  })

  it('applies the filter on every page', async () => {
    const filter = encodeURIComponent(JSON.stringify({ '==': [{ var: 'points' }, 3] }))
    const res = await api.app.inject({
      method: 'GET',
      url: `${base}/export.csv?filter=${filter}`,
      headers: api.headers,
    })
    const header = res.body
      .replace(/^\uFEFF/, '')
      .split('\r\n')[0]!
      .split(',')
    const name = header.indexOf('姓名')
    const expected = Array.from({ length: total }, (_, i) => i).filter((i) => i % 7 === 3)
    expect(dataLines(res.body).map((line) => line.split(',')[name])).toEqual(expected.map((i) => `客户${i}`))
  })
})

import iconv from 'iconv-lite'
import { beforeAll, describe, expect, it } from 'vitest'
import { useApi, type Api } from './support/api.js'
import { describeEachDatabase } from './support/databases.js'
import { multipart } from './support/multipart.js'
import { shopApp } from './support/shop-app.js'

const base = '/api/apps/shop/forms'

async function upload(api: Api, form: string, content: Buffer, token?: string) {
  const body = multipart('data.csv', 'text/csv', content)
  const res = await api.app.inject({
    method: 'POST',
    url: `${base}/${form}/imports`,
    payload: body.payload,
    headers: { ...body.headers, ...(token ? { authorization: `Bearer ${token}` } : api.headers) },
  })
  return { status: res.statusCode, body: JSON.parse(res.body) }
}

// Chinese Excel's "CSV (逗号分隔)": GBK, no BOM. One customer in five phone spellings, a formula
// injection in a name, an empty row, four unreadable rows and a last line cut inside a quote.
const messy = [
  '姓名,联系电话,等级,生日,积分,备注',
  '张三,13800138000,会员,2026/1/5,"1,200",老客户',
  '张三,138 0013 8000,,2026年1月5日,,',
  '张三,+86-138-0013-8000,,,,',
  '张三,0086 13800138000,,,,',
  '张三,(+86)13800138000,,,,',
  '"=HYPERLINK(""http://x"")",13900139000,普通,,,',
  ',,,,,',
  '李四,139001390,,,,',
  '王五,13700137000,gold,,,',
  ',13600136000,,,,',
  '赵六,13500135000,,2026/2/30,,',
  '钱七,13300133000,,,,"未结束',
].join('\r\n')

describeEachDatabase('imports: a messy CSV into customers', (ctx) => {
  const api = useApi(ctx)
  let job: string
  let mapping: Record<string, string>
  const count = async () => (await api.call('GET', `${base}/customers/records/count`)).body.count as number

  beforeAll(async () => {
    await api.call('POST', '/api/apps', shopApp())
    expect((await api.call('POST', '/api/apps/shop/publish', {})).status).toBe(200)
    await api.call('POST', `${base}/customers/records`, {
      values: { name: '老王', phone: '13900139000', tier: 'vip', note: '原备注' },
    })
  })

  it('detects GBK, the header and the mapping, and previews rows as stored with cell errors', async () => {
    const res = await upload(api, 'customers', iconv.encode(messy, 'gbk'))
    expect(res.status, JSON.stringify(res.body)).toBe(201)
    expect(res.body).toMatchObject({ encoding: 'gb18030', bom: false, delimiter: ',', hasHeader: true })
    expect(res.body.mapping).toEqual({
      0: 'name',
      1: 'phone',
      2: 'tier',
      3: 'birthday',
      4: 'points',
      5: 'note',
    })
    expect(res.body.preview[0]).toMatchObject({
      line: 2,
      values: { name: '张三', phone: '+8613800138000', tier: 'vip', birthday: '2026-01-05', points: 1200 },
      errors: [],
    })
    const lisi = res.body.preview.find((r: { line: number }) => r.line === 9)
    expect(lisi.errors).toEqual([
      expect.objectContaining({ field: 'phone', column: 1, code: 'import.invalid_phone' }),
    ])
    job = res.body.id
    mapping = res.body.mapping
  })

  it('a dry run reports the exact counts and reasons and changes nothing', async () => {
    const before = await count()
    const res = await api.call('POST', `${base}/customers/imports/${job}/run`, {
      mapping,
      keys: ['phone'],
      policy: { name: 'overwrite' },
      dryRun: true,
    })
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    expect(res.body).toMatchObject({
      dryRun: true,
      rows: 11,
      inserted: 1,
      updated: 1,
      unchanged: 0,
      merged: 4,
      rejected: 5,
      blank: 1,
    })
    expect(res.body.rejections.map((r: { line: number; code: string }) => [r.line, r.code])).toEqual([
      [9, 'import.invalid_phone'],
      [10, 'import.unknown_option'],
      [12, 'import.invalid_date'],
      [13, 'import.truncated_row'],
      [11, 'field.required'],
    ])
    expect(await count()).toBe(before)
  })

  it('runs: the five spellings are one customer, the matching record is updated, rejected rows downloadable', async () => {
    const res = await api.call('POST', `${base}/customers/imports/${job}/run`, {
      mapping,
      keys: ['phone'],
      policy: { name: 'overwrite' },
    })
    expect(res.body).toMatchObject({ inserted: 1, updated: 1, merged: 4, rejected: 5 })
    const list = await api.call('GET', `${base}/customers/records?sort=id`)
    expect(list.body.records).toHaveLength(2)
    expect(list.body.records[0]).toMatchObject({
      name: '=HYPERLINK("http://x")',
      phone: '+8613900139000',
      tier: 'vip', // fill_empty by default: the stored tier is kept
      note: '原备注',
    })
    expect(list.body.records[1]).toMatchObject({
      name: '张三',
      phone: '+8613800138000',
      tier: 'vip',
      birthday: '2026-01-05',
      points: 1200,
      note: '老客户',
    })
    // One audit entry for the run; the dry run before it left none.
    const audit = await ctx.database.db
      .selectFrom('trellis.audit_log')
      .select(['after'])
      .where('action', '=', 'import')
      .execute()
    expect(audit.map((a) => (a.after as { dryRun: boolean; inserted: number }).inserted)).toEqual([1])

    const rejected = await api.call('GET', `${base}/customers/imports/${job}/rejected.csv`)
    expect(rejected.status).toBe(200)
    const lines = (rejected.body as string)
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n')
    expect(lines[0]).toBe('姓名,联系电话,等级,生日,积分,备注,行号 line,原因 reason')
    expect(lines).toHaveLength(6)
    expect(lines[1]).toBe(
      '李四,139001390,,,,,9,"import.invalid_phone: 联系电话: ""139001390"" is not a phone number"',
    )
  })

  it('the same file again changes nothing: every record unchanged', async () => {
    const res = await api.call('POST', `${base}/customers/imports/${job}/run`, {
      mapping,
      keys: ['phone'],
      policy: { name: 'overwrite' },
    })
    expect(res.body).toMatchObject({ inserted: 0, updated: 0, unchanged: 2, merged: 4, rejected: 5 })
    expect(await count()).toBe(2)
  })
})

describeEachDatabase('imports: merge policies and atomicity', (ctx) => {
  const api = useApi(ctx)
  const count = async () => (await api.call('GET', `${base}/customers/records/count`)).body.count as number

  beforeAll(async () => {
    await api.call('POST', '/api/apps', shopApp())
    await api.call('POST', '/api/apps/shop/publish', {})
    await api.call('POST', `${base}/customers/records`, {
      values: { name: '甲', phone: '13800138000', tier: 'normal', points: 5, birthday: '1990-01-01' },
    })
  })

  it('keep, overwrite and fill_empty per field; an empty or unmapped cell never clears data', async () => {
    const file = 'phone,name,tier,points,note,birthday,ignored\n138-0013-8000,乙,vip,10,新备注,,x\n'
    const up = await upload(api, 'customers', Buffer.from(file))
    expect(up.body.mapping).toEqual({
      0: 'phone',
      1: 'name',
      2: 'tier',
      3: 'points',
      4: 'note',
      5: 'birthday',
    })
    const res = await api.call('POST', `${base}/customers/imports/${up.body.id}/run`, {
      mapping: { 0: 'phone', 1: 'name', 2: 'tier', 3: 'points', 4: 'note', 5: 'birthday' },
      keys: ['phone'],
      policy: { name: 'keep', tier: 'keep', points: 'overwrite', note: 'fill_empty', birthday: 'overwrite' },
    })
    expect(res.body).toMatchObject({ rows: 1, updated: 1, inserted: 0 })
    const [record] = (await api.call('GET', `${base}/customers/records`)).body.records
    expect(record).toMatchObject({
      name: '甲',
      tier: 'normal',
      points: 10,
      note: '新备注',
      birthday: '1990-01-01',
    })
  })

  it('within the file, overwrite takes the last value and fill_empty the first', async () => {
    const file = 'phone,name,points\n13700137000,丙,1\n137 0013 7000,丁,2\n+8613700137000,,3\n'
    const up = await upload(api, 'customers', Buffer.from(file))
    const res = await api.call('POST', `${base}/customers/imports/${up.body.id}/run`, {
      mapping: { 0: 'phone', 1: 'name', 2: 'points' },
      keys: ['phone'],
      policy: { points: 'overwrite' },
    })
    expect(res.body).toMatchObject({ rows: 3, inserted: 1, merged: 2, rejected: 0 })
    const created = await api.call(
      'GET',
      `${base}/customers/records?filter=${encodeURIComponent(JSON.stringify({ '==': [{ var: 'phone' }, '+8613700137000'] }))}`,
    )
    expect(created.body.records[0]).toMatchObject({ name: '丙', points: 3 })
  })

  it('a first row of a key with an unreadable cell is rejected; the next row of that key takes its place', async () => {
    // Line 2 has a bad date (rejected), so line 3 is the record and line 4 merges into it; line 5 is
    // another key whose only row is unreadable, line 6 a later row of the first key that is unreadable.
    const file = [
      'phone,name,points,birthday',
      '13400134000,辛,1,2026/2/30',
      '134 0013 4000,壬,2,',
      '+8613400134000,,3,2020-02-02',
      '13300133000,癸,4,2026/13/1',
      '13400134000,子,5,notadate',
    ].join('\n')
    const up = await upload(api, 'customers', Buffer.from(file))
    const res = await api.call('POST', `${base}/customers/imports/${up.body.id}/run`, {
      mapping: { 0: 'phone', 1: 'name', 2: 'points', 3: 'birthday' },
      keys: ['phone'],
      policy: { points: 'overwrite' },
    })
    expect(res.body).toMatchObject({ rows: 5, inserted: 1, merged: 1, rejected: 3, updated: 0 })
    expect(res.body.rejections.map((r: { line: number; code: string }) => [r.line, r.code])).toEqual([
      [2, 'import.invalid_date'],
      [5, 'import.invalid_date'],
      [6, 'import.invalid_date'],
    ])
    const created = await api.call(
      'GET',
      `${base}/customers/records?filter=${encodeURIComponent(JSON.stringify({ '==': [{ var: 'phone' }, '+8613400134000'] }))}`,
    )
    expect(created.body.records).toHaveLength(1)
    expect(created.body.records[0]).toMatchObject({ name: '壬', points: 3, birthday: '2020-02-02' })
    const rejected = await api.call('GET', `${base}/customers/imports/${up.body.id}/rejected.csv`)
    expect(String(rejected.body).trim().split('\n')).toHaveLength(4)
  })

  it('new records keep their tags, quotes and backslashes as typed', async () => {
    const file = 'phone,name,tags,note\n13200132000,"丑 ""小"" \\\\ 王","vip, 老客户",\n'
    const up = await upload(api, 'customers', Buffer.from(file))
    const res = await api.call('POST', `${base}/customers/imports/${up.body.id}/run`, {
      mapping: { 0: 'phone', 1: 'name', 2: 'tags' },
      keys: ['phone'],
    })
    expect(res.body).toMatchObject({ rows: 1, inserted: 1, rejected: 0 })
    const created = await api.call(
      'GET',
      `${base}/customers/records?filter=${encodeURIComponent(JSON.stringify({ '==': [{ var: 'phone' }, '+8613200132000'] }))}`,
    )
    expect(created.body.records[0]).toMatchObject({ name: '丑 "小" \\\\ 王', tags: ['vip', '老客户'] })
    // The same customer again: the tags are overwritten through the batch update.
    const again = await upload(api, 'customers', Buffer.from('phone,tags\n132 0013 2000,"新, ""引号"""\n'))
    const updated = await api.call('POST', `${base}/customers/imports/${again.body.id}/run`, {
      mapping: { 0: 'phone', 1: 'tags' },
      keys: ['phone'],
      policy: { tags: 'overwrite' },
    })
    expect(updated.body).toMatchObject({ rows: 1, updated: 1, rejected: 0 })
    const record = await api.call('GET', `${base}/customers/records/${created.body.records[0].id}`)
    expect(record.body).toMatchObject({ name: '丑 "小" \\\\ 王', tags: ['新', '"引号"'] })
  })

  it('two new records of one file sharing a unique phone: the second is rejected, not the import', async () => {
    const before = await count()
    const file = 'name,phone\n戊,13600136000\n己,13500135000\n庚,136 0013 6000\n'
    const up = await upload(api, 'customers', Buffer.from(file))
    const res = await api.call('POST', `${base}/customers/imports/${up.body.id}/run`, {
      mapping: { 0: 'name', 1: 'phone' },
      keys: ['name'],
      dryRun: true,
    })
    expect(res.body).toMatchObject({ rows: 3, inserted: 2, rejected: 1 })
    expect(res.body.rejections).toEqual([
      expect.objectContaining({ line: 4, code: 'import.duplicate_in_file', field: 'phone' }),
    ])
    expect(await count()).toBe(before)
  })

  it('a database failure on the last row rolls the whole import back', async () => {
    const before = await count()
    // Keyed by name, a new customer takes the phone of 甲, already stored: the unique index fails.
    const file = 'name,phone\n戊,13600136000\n己,13500135000\n庚,13800138000\n'
    const up = await upload(api, 'customers', Buffer.from(file))
    const res = await api.call('POST', `${base}/customers/imports/${up.body.id}/run`, {
      mapping: { 0: 'name', 1: 'phone' },
      keys: ['name'],
    })
    expect(res.status, JSON.stringify(res.body)).toBe(409)
    expect(res.body).toMatchObject({
      code: 'IMPORT_ABORTED',
      path: 'phone',
      details: { code: 'UNIQUE_VIOLATION' },
    })
    expect(await count()).toBe(before)
  })

  it('a failure in the third batch rolls back the 4,000 rows written before it', async () => {
    const before = await count()
    const rows = ['name,phone']
    for (let i = 0; i < 5000; i++) rows.push(`批量${i},1510000${String(i).padStart(4, '0')}`)
    rows[4501] = `批量4500,13800138000` // the stored phone of 甲: the unique index fails in the third batch
    const up = await upload(api, 'customers', Buffer.from(rows.join('\n')))
    const res = await api.call('POST', `${base}/customers/imports/${up.body.id}/run`, {
      mapping: { 0: 'name', 1: 'phone' },
      keys: ['name'],
    })
    expect(res.status).toBe(409)
    expect(await count()).toBe(before)
    const ok = await api.call('POST', `${base}/customers/imports/${up.body.id}/run`, {
      mapping: { 0: 'name', 1: 'phone' },
      keys: ['phone'],
      policy: { name: 'keep' },
    })
    // Keyed by phone instead, that row updates 甲 (its name kept): nothing fails.
    expect(ok.body).toMatchObject({ rows: 5000, inserted: 4999, unchanged: 1, rejected: 0 })
    expect(await count()).toBe(before + 4999)
  })

  it('orders find their customer by phone; an order whose customer is missing is rejected', async () => {
    const file = [
      '客户手机,金额,状态',
      '138 0013 8000,"¥1,000.50",paid',
      '+86 137 0013 7000,20,paid',
      '13999999999,5,paid',
      'not-a-phone,5,paid',
    ].join('\n')
    const up = await upload(api, 'orders', Buffer.from(file))
    const res = await api.call('POST', `${base}/orders/imports/${up.body.id}/run`, {
      mapping: { 0: 'customer', 1: 'amount', 2: 'status' },
      relations: { customer: 'phone' },
    })
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    expect(res.body).toMatchObject({ rows: 4, inserted: 2, rejected: 2 })
    expect(res.body.rejections.map((r: { line: number; code: string }) => [r.line, r.code])).toEqual([
      [5, 'import.relation_not_found'],
      [4, 'import.relation_not_found'],
    ])
    // The rollups on the customers moved with the imported orders.
    const customer = await api.call(
      'GET',
      `${base}/customers/records?filter=${encodeURIComponent(JSON.stringify({ '==': [{ var: 'phone' }, '+8613800138000'] }))}`,
    )
    expect(customer.body.records[0]).toMatchObject({ order_count: 1, total_spent: '1000.50' })
  })

  it('rejects a row with a cell over 1,000,000 characters and keeps the rows around it', async () => {
    const file = `name,note\n大备注,"${'备'.repeat(1_200_000)}"\n小备注,ok\n`
    const up = await upload(api, 'customers', Buffer.from(file))
    expect(up.status).toBe(201)
    const res = await api.call('POST', `${base}/customers/imports/${up.body.id}/run`, {
      mapping: { 0: 'name', 1: 'note' },
      dryRun: true,
    })
    expect(res.body).toMatchObject({ rows: 2, inserted: 1, rejected: 1 })
    expect(res.body.rejections).toEqual([expect.objectContaining({ line: 2, code: 'import.cell_too_large' })])
  })

  it('refuses a mapping to a computed field and keys that are not mapped', async () => {
    const up = await upload(api, 'customers', Buffer.from('name,code\n甲,KH1\n'))
    const bad = await api.call('POST', `${base}/customers/imports/${up.body.id}/run`, {
      mapping: { 0: 'name', 1: 'code' },
    })
    expect(bad.body).toMatchObject({ code: 'IMPORT_MAPPING_INVALID', path: 'mapping.1' })
    const noKey = await api.call('POST', `${base}/customers/imports/${up.body.id}/run`, {
      mapping: { 0: 'name' },
      keys: ['phone'],
    })
    expect(noKey.body).toMatchObject({ code: 'IMPORT_KEY_INVALID' })
  })
})

describe('imports test fixtures', () => {
  it('are really GBK without a BOM', () => {
    const bytes = iconv.encode(messy, 'gbk')
    expect(bytes[0]).not.toBe(0xef)
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow()
  })
})

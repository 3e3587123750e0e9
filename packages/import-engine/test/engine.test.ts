import { compileFormValidator, type FormSchema } from '@trellis/form-engine'
import iconv from 'iconv-lite'
import { describe, expect, it } from 'vitest'
import {
  coerceCell,
  coerceRow,
  csvLine,
  decodeStream,
  detectDelimiter,
  detectEncoding,
  isBlankRow,
  parseCsv,
  parseDateParts,
  suggestMapping,
  validateRow,
  type CsvRow,
  type EncodingGuess,
} from '../src/index.js'

const customers: FormSchema = {
  key: 'customers',
  label: { 'zh-CN': '客户', en: 'Customers' },
  fields: [
    { key: 'name', type: 'text', label: { 'zh-CN': '姓名', en: 'Name' }, required: true },
    { key: 'phone', type: 'phone', label: { 'zh-CN': '手机', en: 'Phone' } },
    { key: 'vip', type: 'boolean', label: { 'zh-CN': '会员', en: 'VIP' } },
    { key: 'birthday', type: 'date', label: { 'zh-CN': '生日', en: 'Birthday' } },
    { key: 'visited_at', type: 'datetime', label: { 'zh-CN': '到店时间', en: 'Visited at' } },
    { key: 'spent', type: 'decimal', label: { 'zh-CN': '消费金额', en: 'Spent' } },
    { key: 'note', type: 'long_text', label: { 'zh-CN': '备注', en: 'Note' } },
  ],
}

async function* bytesOf(buffer: Uint8Array, size = 7): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < buffer.length; i += size) yield buffer.subarray(i, i + size)
}

async function rowsOf(buffer: Uint8Array, chunk = 7) {
  let guess: EncodingGuess | undefined
  const rows: CsvRow[] = []
  for await (const row of parseCsv(decodeStream(bytesOf(buffer, chunk), (g) => (guess = g)))) rows.push(row)
  return { guess: guess!, rows }
}

// The messy file: GBK without BOM, a header in Chinese with a synonym, one customer in five phone
// spellings, a formula-injection name, an empty row, a quoted cell with a line break, a truncated last line.
const messy = [
  '姓名,联系电话,会员,生日,消费金额,备注',
  '张三,13800138000,是,2026/1/5,"￥1,234.50",老客户',
  '张三,138 0013 8000,Y,2026年1月5日,99,',
  '张三,+86-138-0013-8000,否,2026-01-05,0,',
  '张三,0086 13800138000,N,46027,12,',
  '张三,(+86)13800138000,true,2026.1.5,1,',
  '=HYPERLINK("http://evil"),13900139000,false,,,"两行',
  '备注"',
  ',,,,,',
  '李四,139001390,maybe,2026/2/30,abc,',
  '王五,13700137000,是,2026/1/5,5,"未结束',
].join('\r\n')

describe('import engine on a messy GBK file', () => {
  it('detects GBK, parses every row across tiny chunks and flags the truncated last line', async () => {
    const { guess, rows } = await rowsOf(iconv.encode(messy, 'gbk'))
    expect(guess).toEqual({ encoding: 'gb18030', bom: false })
    expect(rows).toHaveLength(10)
    expect(rows[0]!.cells[1]).toBe('联系电话')
    expect(rows[6]!.cells[5]).toBe('两行\r\n备注')
    expect(rows[7]!.line).toBe(9)
    expect(isBlankRow(rows[7]!.cells)).toBe(true)
    expect(rows[9]!.truncated).toBe(true)
    expect(rows.slice(0, 9).some((r) => r.truncated)).toBe(false)
  })

  it('reads UTF-8 with and without a BOM', async () => {
    const text = '姓名,手机\n张三,13800138000\n'
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(text)])
    const withBom = await rowsOf(bom, 2)
    expect(withBom.guess).toEqual({ encoding: 'utf-8', bom: true })
    expect(withBom.rows[0]!.cells).toEqual(['姓名', '手机'])
    const plain = await rowsOf(new TextEncoder().encode(text), 1)
    expect(plain.guess.encoding).toBe('utf-8')
    expect(plain.rows.map((r) => r.cells)).toEqual([
      ['姓名', '手机'],
      ['张三', '13800138000'],
    ])
    expect(detectEncoding(iconv.encode('客户', 'gb18030')).encoding).toBe('gb18030')
  })

  it('suggests the mapping by label, key and synonym', () => {
    const mapping = suggestMapping(
      ['姓名', '联系电话', '会员', 'Birthday', ' spent ', '备注', '无关'],
      customers,
    )
    expect(mapping).toEqual({ 0: 'name', 1: 'phone', 2: 'vip', 3: 'birthday', 4: 'spent', 5: 'note' })
  })

  it('coerces five phone spellings to one number and reports bad cells per column', async () => {
    const { rows } = await rowsOf(iconv.encode(messy, 'gbk'))
    const mapping = suggestMapping(rows[0]!.cells, customers)
    const validator = compileFormValidator(customers)
    const prepared = rows
      .slice(1, 6)
      .map((r) => validateRow(coerceRow(r.cells, mapping, customers), validator, 'create', mapping))
    expect(new Set(prepared.map((p) => p.values.phone))).toEqual(new Set(['+8613800138000']))
    expect(prepared.map((p) => p.values.vip)).toEqual([true, true, false, false, true])
    expect(new Set(prepared.map((p) => p.values.birthday))).toEqual(new Set(['2026-01-05']))
    expect(prepared[0]!.values.spent).toBe('1234.50')
    expect(prepared.every((p) => p.errors.length === 0)).toBe(true)

    const bad = coerceRow(rows[8]!.cells, mapping, customers)
    expect(bad.errors.map((e) => [e.column, e.code])).toEqual([
      [1, 'import.invalid_phone'],
      [2, 'import.invalid_boolean'],
      [3, 'import.invalid_date'],
      [4, 'import.invalid_number'],
    ])
    const missingName = validateRow(
      coerceRow(['', '13800138000'], mapping, customers),
      validator,
      'create',
      mapping,
    )
    expect(missingName.errors[0]).toMatchObject({ field: 'name', column: 0 })
  })

  it('reads the date forms of the issue and refuses ambiguous ones', () => {
    expect(parseDateParts('2026-01-05 13:00')).toEqual({ date: '2026-01-05', time: '13:00:00' })
    expect(parseDateParts('2026年1月5日')).toEqual({ date: '2026-01-05' })
    expect(parseDateParts('46027.5')).toEqual({ date: '2026-01-05', time: '12:00:00' })
    expect(parseDateParts('5/1/2026')).toBeUndefined()
    expect(coerceCell(customers.fields[5]!, '¥ 12,000')).toEqual({ ok: true, value: '12000' })
    expect(parseDateParts('2026')).toBeUndefined()
    expect(coerceCell(customers.fields[4]!, '2026/1/5 13:05')).toEqual({
      ok: true,
      value: '2026-01-05T13:05:00+08:00',
    })
  })

  it('cuts an oversized cell and flags its row instead of buffering it', async () => {
    async function* chunks() {
      yield 'a,"'
      for (let i = 0; i < 100; i++) yield 'x'.repeat(1000)
      yield '"\nb,c\n'
    }
    const rows: CsvRow[] = []
    for await (const row of parseCsv(chunks(), { maxCellChars: 5000 })) rows.push(row)
    expect(rows[0]!.oversized).toBe(true)
    expect(rows[0]!.cells[1]!.length).toBe(5000)
    expect(rows[1]).toEqual({ cells: ['b', 'c'], line: 2 })
  })

  it('detects tab and semicolon delimiters', () => {
    expect(detectDelimiter('a\tb\tc\n1\t2\t3')).toBe('\t')
    expect(detectDelimiter('a;b\n"1;x";2')).toBe(';')
    expect(detectDelimiter('a,b\n1,2')).toBe(',')
  })

  it('neutralizes formula cells on export and keeps negative numbers', () => {
    expect(csvLine(['=1+1', '+86', '-12.5', '@SUM(A1)', '\tx', 'a,"b"', null])).toBe(
      `'=1+1,'+86,-12.5,'@SUM(A1),'\tx,"a,""b""",\r\n`,
    )
    // Numbers as numbers: a negative one stays plain unless written with an exponent; CR and LF first.
    expect(csvLine([12, 0, -3, -1e-7, 1e21, '\rx', '\ny', '-x', ''])).toBe(
      `12,0,-3,'-1e-7,1e+21,"'\rx","'\ny",'-x,\r\n`,
    )
  })
})

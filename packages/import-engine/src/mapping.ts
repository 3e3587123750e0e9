import type { FieldDef, FormSchema } from '@trellis/form-engine'

/** Column index → field key; a column missing from the mapping is skipped. */
export type ColumnMapping = Record<number, string>

/** Field types that can be written from a cell (computed and uploaded fields cannot). */
export function importable(field: FieldDef): boolean {
  return !field.archived && !['formula', 'rollup', 'auto_number', 'attachment'].includes(field.type)
}

/**
 * A header as compared: NFKC (full-width letters and digits become ASCII), lower-case, without spaces,
 * punctuation, underscores and a trailing unit like `（元）`.
 */
export function normalizeHeader(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\(.*?\)$/u, '')
    .replace(/[\s_\-:.：*#/\\]+/gu, '')
}

/** Other names the same column goes by in Chinese exports (WeChat, Meituan, cashier systems). */
const synonymsByType: Partial<Record<FieldDef['type'], string[]>> = {
  phone: [
    '手机',
    '手机号',
    '手机号码',
    '电话',
    '电话号码',
    '联系电话',
    '联系方式',
    'mobile',
    'tel',
    'telephone',
    'phone',
    'phonenumber',
    'cell',
  ],
  email: ['邮箱', '电子邮箱', '邮件', 'email', 'mail', 'emailaddress'],
  date: ['日期', 'date'],
}

/**
 * Suggests a field for each header: exact key, then a label in either language, then a known synonym of
 * the field's type (so `联系电话` finds the only phone field). Each field is used at most once, by the
 * first column that names it.
 */
export function suggestMapping(headers: readonly string[], form: FormSchema): ColumnMapping {
  const fields = form.fields.filter(importable)
  const used = new Set<string>()
  const mapping: ColumnMapping = {}
  const names = fields.map((field) => ({
    field,
    exact: new Set([
      normalizeHeader(field.key),
      ...Object.values(field.label).map((l) => normalizeHeader(l ?? '')),
    ]),
  }))
  const pick = (index: number, field: FieldDef | undefined) => {
    if (!field || used.has(field.key)) return
    used.add(field.key)
    mapping[index] = field.key
  }
  headers.forEach((header, index) => {
    const h = normalizeHeader(header)
    if (h) pick(index, names.find((n) => n.exact.has(h))?.field)
  })
  headers.forEach((header, index) => {
    if (mapping[index] !== undefined) return
    const h = normalizeHeader(header)
    const candidates = fields.filter((f) => !used.has(f.key) && synonymsByType[f.type]?.includes(h))
    if (candidates.length === 1) pick(index, candidates[0])
  })
  return mapping
}

/**
 * Whether the first row is a header: at least one of its cells names a field. A file without a header
 * is mapped by position.
 */
export function looksLikeHeader(cells: readonly string[], form: FormSchema): boolean {
  return Object.keys(suggestMapping(cells, form)).length > 0
}

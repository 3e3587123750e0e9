import type { FieldType } from '@trellis/form-engine'

/** A short mark per type for the palette and the cards: text glyphs, since no icon font is shipped. */
export const FIELD_GLYPHS: Record<FieldType, string> = {
  text: 'Aa',
  long_text: '¶',
  number: '12',
  decimal: '.5',
  currency: '¥',
  percent: '%',
  boolean: '✓',
  date: 'D',
  datetime: 'DT',
  select: '◉',
  multi_select: '☰',
  tags: '#',
  email: '@',
  phone: '☎',
  url: '↗',
  user: 'U',
  relation: '⇄',
  formula: 'ƒ',
  rollup: 'Σ',
  attachment: '⎘',
  auto_number: 'Nº',
}

export {
  detectEncoding,
  decodeStream,
  sniffBytes,
  type DetectedEncoding,
  type EncodingGuess,
} from './decode.js'
export { parseCsv, detectDelimiter, defaultMaxCellChars, type CsvRow, type CsvOptions } from './csv-parser.js'
export { parseDateParts, type DateParts } from './coerce-date.js'
export { coerceCell, parseNumberText, type Coerced, type CoerceOptions } from './coerce.js'
export {
  suggestMapping,
  looksLikeHeader,
  normalizeHeader,
  importable,
  type ColumnMapping,
} from './mapping.js'
export { coerceRow, validateRow, isBlankRow, type CellError, type PreparedRow } from './rows.js'
export { neutralizeCell, csvCell, csvLine } from './neutralize.js'

import { decodeStream, parseCsv, type CsvRow, type EncodingGuess } from '@trellis/import-engine'
import type { Readable } from 'node:stream'
import type { ImportJob, ImportStore } from './import-store.js'
import { readXlsxRows } from './read-xlsx.js'

/** The bytes of a file as the engine wants them: an async iterable of Uint8Array. */
async function* bytes(stream: Readable): AsyncGenerator<Uint8Array> {
  for await (const chunk of stream) yield chunk as Uint8Array
}

/** Streams the rows of a stored file through the engine's decoder and parser. */
export function readRows(
  stream: Readable,
  options: { delimiter?: string; maxCellChars?: number; onDetect?: (guess: EncodingGuess) => void } = {},
): AsyncGenerator<CsvRow> {
  return parseCsv(decodeStream(bytes(stream), options.onDetect), {
    ...(options.delimiter ? { delimiter: options.delimiter } : {}),
    ...(options.maxCellChars ? { maxCellChars: options.maxCellChars } : {}),
  })
}

/** The rows of an uploaded file, CSV or XLSX. */
export function jobRows(
  store: ImportStore,
  job: Pick<ImportJob, 'id' | 'format' | 'delimiter'>,
): AsyncGenerator<CsvRow> {
  if (job.format === 'xlsx') return readXlsxRows(store.open(job.id))
  return parseCsv(decodeStream(store.bytes(job.id)), job.delimiter ? { delimiter: job.delimiter } : {})
}

import { randomBytes } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises'
import { sniffBytes } from '@trellis/import-engine'
import path from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ImportResult } from './import-result.js'

/** What the server remembers of one uploaded file between preview and run. */
export interface ImportJob {
  id: string
  app: string
  form: string
  /** The uploader: only they may run it or read its rejected rows. */
  userId: string
  name: string
  size: number
  format: 'csv' | 'xlsx'
  encoding: 'utf-8' | 'gb18030'
  bom: boolean
  delimiter: string
  hasHeader: boolean
  headers: string[]
  createdAt: string
  result?: ImportResult
}

/**
 * Uploaded files and their job descriptions live on disk under the data folder (`imports/<id>.csv`,
 * `<id>.json`, `<id>.rejected.csv`): the upload is streamed there, never held in memory, and a job
 * survives a restart between preview and run without a platform table.
 */
export class ImportStore {
  constructor(private readonly dir: string) {}

  newId(): string {
    return randomBytes(12).toString('base64url')
  }

  file(id: string, kind: 'source' | 'rejected' = 'source'): string {
    return path.join(this.dir, kind === 'source' ? `${id}.upload` : `${id}.rejected.csv`)
  }

  async save(id: string, stream: Readable): Promise<void> {
    await mkdir(this.dir, { recursive: true })
    await pipeline(stream, createWriteStream(this.file(id)))
  }

  open(id: string, kind: 'source' | 'rejected' = 'source'): Readable {
    return createReadStream(this.file(id, kind))
  }

  /**
   * The bytes of a stored file, read into one reused buffer: a chunk is valid until the next one is
   * asked for (the decoder turns it into text at once). A stream allocates a buffer per chunk, and those
   * lingered as external memory until a full garbage collection: over a hundred megabytes in a
   * million-row import read twice. The first `sniffBytes` are copied, since the decoder keeps them
   * while it guesses the encoding.
   */
  async *bytes(id: string): AsyncGenerator<Uint8Array> {
    const file = await open(this.file(id), 'r')
    try {
      const buffer = new Uint8Array(256 * 1024)
      let total = 0
      for (;;) {
        const { bytesRead } = await file.read(buffer, 0, buffer.length, null)
        if (bytesRead === 0) return
        yield total < sniffBytes ? buffer.slice(0, bytesRead) : buffer.subarray(0, bytesRead)
        total += bytesRead
      }
    } finally {
      await file.close()
    }
  }

  async write(job: ImportJob): Promise<void> {
    await writeFile(path.join(this.dir, `${job.id}.json`), JSON.stringify(job))
  }

  async read(id: string): Promise<ImportJob | undefined> {
    try {
      return JSON.parse(await readFile(path.join(this.dir, `${id}.json`), 'utf8')) as ImportJob
    } catch {
      return undefined
    }
  }

  async remove(id: string): Promise<void> {
    await Promise.all(
      [this.file(id), this.file(id, 'rejected'), path.join(this.dir, `${id}.json`)].map((f) =>
        rm(f, { force: true }),
      ),
    )
  }
}

import { createReadStream, createWriteStream } from 'node:fs'
import fs from 'node:fs/promises'
import path from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'

/**
 * Where uploaded bytes live. The default keeps them on disk under the data folder; an object store
 * (S3, OSS, COS) implements the same three calls.
 */
export interface FileStore {
  put(id: string, content: Readable): Promise<void>
  open(id: string): Promise<Readable>
  remove(id: string): Promise<void>
}

/** Files are named by their random id only: a client-supplied name never becomes a path. */
export class DiskFileStore implements FileStore {
  constructor(private readonly root: string) {}

  private pathOf(id: string): string {
    if (!/^[A-Za-z0-9_-]{16,64}$/.test(id)) throw new Error(`invalid file id ${id}`)
    return path.join(this.root, id.slice(0, 2), id)
  }

  async put(id: string, content: Readable): Promise<void> {
    const target = this.pathOf(id)
    await fs.mkdir(path.dirname(target), { recursive: true })
    await pipeline(content, createWriteStream(target, { flags: 'wx' }))
  }

  async open(id: string): Promise<Readable> {
    const target = this.pathOf(id)
    await fs.access(target)
    return createReadStream(target)
  }

  async remove(id: string): Promise<void> {
    await fs.rm(this.pathOf(id), { force: true })
  }
}

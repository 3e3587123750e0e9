import multipart from '@fastify/multipart'
import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import { createHash, randomBytes } from 'node:crypto'
import { Transform } from 'node:stream'
import type { PlatformTables } from '../db/tables.js'
import type { FileStore } from '../files/file-store.js'
import { requireScope, requireViewer } from '../auth/authenticate.js'
import { actorOf } from '../http/actor.js'
import { AppError } from '../http/errors.js'

export interface FileLimits {
  maxBytes: number
  /** Allowed MIME types; `image/*` style wildcards accepted. */
  allowedTypes: readonly string[]
}

export const defaultFileLimits: FileLimits = {
  maxBytes: 20 * 1024 * 1024,
  allowedTypes: [
    'image/*',
    'application/pdf',
    'text/plain',
    'text/csv',
    'application/zip',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'application/vnd.ms-excel',
    'application/msword',
  ],
}

export function typeAllowed(type: string, allowed: readonly string[]): boolean {
  return allowed.some((pattern) =>
    pattern.endsWith('/*') ? type.startsWith(pattern.slice(0, -1)) : type === pattern,
  )
}

const fileSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    size: { type: 'integer' },
    type: { type: 'string' },
  },
} as const

/** Uploads and downloads. Records keep only `{ id, name, size, type }`; the server resolves ids. */
export async function registerFileRoutes(
  app: FastifyInstance,
  db: Kysely<PlatformTables>,
  store: FileStore,
  limits: FileLimits,
): Promise<void> {
  await app.register(multipart, { limits: { fileSize: limits.maxBytes, files: 1, fields: 0 } })

  app.post(
    '/api/files',
    {
      schema: {
        tags: ['files'],
        summary: `Upload one file (multipart field "file", at most ${limits.maxBytes} bytes)`,
        consumes: ['multipart/form-data'],
        response: { 201: fileSchema },
      },
    },
    async (request, reply) => {
      requireScope(request, 'records:write')
      if (!request.isMultipart())
        throw new AppError(415, 'MULTIPART_REQUIRED', 'Send the file as multipart/form-data', 'file')
      const part = await request.file()
      if (!part) throw new AppError(400, 'FILE_MISSING', 'No file in the request', 'file')
      const type = part.mimetype || 'application/octet-stream'
      if (!typeAllowed(type, limits.allowedTypes)) {
        part.file.resume()
        throw new AppError(415, 'FILE_TYPE_REFUSED', `Files of type ${type} are not accepted`, 'file')
      }
      const id = randomBytes(18).toString('base64url')
      const hash = createHash('sha256')
      let size = 0
      const meter = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          size += chunk.length
          hash.update(chunk)
          done(null, chunk)
        },
      })
      await store.put(id, part.file.pipe(meter))
      if (part.file.truncated) {
        await store.remove(id)
        throw new AppError(413, 'FILE_TOO_LARGE', `The file is larger than ${limits.maxBytes} bytes`, 'file')
      }
      const name = part.filename.replace(/[\\/]/g, '_').slice(0, 255) || 'file'
      await db
        .insertInto('trellis.files')
        .values({ id, name, type, size, sha256: hash.digest('hex'), created_by: actorOf(request) })
        .execute()
      return reply.status(201).send({ id, name, size, type })
    },
  )

  app.get<{ Params: { id: string } }>(
    '/api/files/:id',
    {
      schema: {
        tags: ['files'],
        params: { type: 'object', properties: { id: { type: 'string', pattern: '^[A-Za-z0-9_-]{16,64}$' } } },
      },
    },
    async (request, reply) => {
      requireViewer(request)
      const file = await db
        .selectFrom('trellis.files')
        .selectAll()
        .where('id', '=', request.params.id)
        .executeTakeFirst()
      if (!file) throw new AppError(404, 'FILE_NOT_FOUND', 'No such file')
      const stream = await store.open(file.id)
      // Served as a download, never rendered in our origin: an uploaded HTML or SVG cannot run script here.
      return reply
        .header('content-type', file.type)
        .header('content-length', String(file.size))
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'")
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}`)
        .send(stream)
    },
  )
}

import type { AppDefinition } from '@trellis/form-engine'
import { buildApp, migrateToLatest, type Database } from '@trellis/server'
import type { FastifyInstance } from 'fastify'
import os from 'node:os'
import path from 'node:path'

/** A migrated Trellis instance over `database` with `app` created and published: every bench's first step. */
export async function trellisWithApp(database: Database, app: AppDefinition): Promise<FastifyInstance> {
  await migrateToLatest(database.db)
  const trellis = await buildApp({
    config: {
      designerDir: undefined,
      timeZone: 'Asia/Shanghai',
      dataDir: path.join(os.tmpdir(), 'trellis-bench'),
    },
    database,
  })
  await trellis.trellis.apps.create(app)
  await trellis.trellis.apps.publish(app.key, [], null)
  return trellis
}

import { sql } from 'kysely'
import { beforeAll, expect, it } from 'vitest'
import type { AppDefinition } from '@trellis/form-engine'
import { useApi } from './support/api.js'
import { describeEachDatabase } from './support/databases.js'

const label = (zh: string, en: string) => ({ 'zh-CN': zh, en })
const notesApp = {
  key: 'disk',
  name: label('磁盘', 'Disk'),
  forms: [
    {
      key: 'notes',
      label: label('记录', 'Notes'),
      fields: [{ key: 'ref', type: 'text', label: label('编号', 'Ref'), required: true }],
    },
  ],
} as unknown as AppDefinition

const records = '/api/apps/disk/forms/notes/records'

// A full disk cannot be made without a mount (scripts/chaos/disk-full.mjs does that on a real tmpfs). The
// database itself raises the very error it raises then — SQLSTATE 53100 disk_full — from a trigger on the
// app's table, so it travels the real driver (PGlite or pg), record store and HTTP layers.
describeEachDatabase('a full disk', (ctx) => {
  const api = useApi(ctx)
  const count = async () => (await api.call('GET', `${records}/count`)).body.count as number
  const fillDisk = async () => {
    await sql`create or replace function app_disk.no_space() returns trigger language plpgsql as $$
      begin
        raise exception 'could not extend file "base/5/16385": No space left on device'
          using errcode = 'disk_full';
      end $$`.execute(ctx.database.db)
    await sql`create trigger no_space before insert or update on app_disk.notes
      for each row execute function app_disk.no_space()`.execute(ctx.database.db)
  }
  const freeDisk = () => sql`drop trigger no_space on app_disk.notes`.execute(ctx.database.db)

  beforeAll(async () => {
    expect((await api.call('POST', '/api/apps', notesApp)).status).toBe(201)
    expect((await api.call('POST', '/api/apps/disk/publish', {})).status).toBe(200)
  })

  it('refuses writes with 507 STORAGE_FULL, stores nothing, keeps reads going and recovers without a restart', async () => {
    expect((await api.call('POST', records, { values: { ref: 'before' } })).status).toBe(201)
    await fillDisk()
    try {
      const refused = await api.call('POST', records, { values: { ref: 'while-full' } })
      expect(refused.status).toBe(507)
      expect(refused.body).toMatchObject({ code: 'STORAGE_FULL' })
      expect(refused.body.message).toMatch(/disk space/)
      // Reads need no disk space: the list still answers, and readiness stays green.
      expect(await count()).toBe(1)
      expect((await api.call('GET', '/api/health/ready')).status).toBe(200)
    } finally {
      await freeDisk()
    }
    const again = await api.call('POST', records, { values: { ref: 'while-full' } })
    expect(again.status).toBe(201)
    expect(await count()).toBe(2)
  })

  it('an update on a full disk is refused the same way and leaves the record as it was', async () => {
    const created = await api.call('POST', records, { values: { ref: 'old' } })
    expect(created.status).toBe(201)
    await fillDisk()
    try {
      const refused = await api.call('PATCH', `${records}/${created.body.id}`, {
        values: { ref: 'new' },
        version: created.body.version,
      })
      expect(refused).toMatchObject({ status: 507, body: { code: 'STORAGE_FULL' } })
    } finally {
      await freeDisk()
    }
    expect((await api.call('GET', `${records}/${created.body.id}`)).body.ref).toBe('old')
  })
})

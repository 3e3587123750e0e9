import iconv from 'iconv-lite'
import { sql } from 'kysely'
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { AppService } from '../src/apps/app-service.js'
import { AccessService } from '../src/auth/access-service.js'
import { openDatabase } from '../src/db/database.js'
import type { DynamicDb } from '../src/db/dynamic.js'
import { migrateToLatest } from '../src/db/migrate.js'
import { importCommand } from '../src/imports/import-command.js'
import { describeEachDatabase } from './support/databases.js'
import { shopApp } from './support/shop-app.js'
import { tmpDataDir } from './support/tmp.js'

const here = path.dirname(fileURLToPath(import.meta.url))

// What a shop owner exports from Chinese Excel: GBK, one customer in three phone spellings, a bad phone.
const file = iconv.encode(
  [
    '姓名,联系电话,等级',
    '张三,13800138000,会员',
    '张三,+86 138 0013 8000,',
    '李四,139001390,',
    '王五,13700137000,普通',
  ].join('\r\n'),
  'gbk',
)

describeEachDatabase('trellis import: the command', (ctx) => {
  const dataDir = tmpDataDir()
  const csv = path.join(dataDir, '客户.csv')
  let deps: Parameters<typeof importCommand>[0]

  beforeAll(async () => {
    writeFileSync(csv, file)
    const apps = new AppService(ctx.database.db)
    await apps.create(shopApp())
    await apps.publish('shop', undefined, 'test')
    deps = {
      db: ctx.database.db as unknown as DynamicDb,
      apps,
      access: new AccessService(ctx.database.db),
      dataDir,
    }
  })

  it('a dry run prints the detected columns, exact counts and the rejected lines, and stores nothing', async () => {
    let out = ''
    const result = await importCommand(
      deps,
      csv,
      { app: 'shop', form: 'customers', keys: ['phone'], dryRun: true },
      { out: (text) => (out += text) },
    )
    expect(result).toMatchObject({ dryRun: true, rows: 4, inserted: 2, merged: 1, rejected: 1 })
    expect(out).toContain('客户.csv: csv, gb18030; columns 姓名→name, 联系电话→phone, 等级→tier')
    expect(out).toContain('Dry run of 客户.csv into shop/customers:')
    expect(out).toContain('  rows 4  inserted 2  updated 0  unchanged 0  merged 1  rejected 1  blank 0')
    expect(out).toMatch(/ {2}line 4: import\.invalid_phone: /)
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from trellis.audit_log
      where form_key = 'customers' and action = 'create'`.execute(ctx.database.db)
    expect(rows[0]!.n).toBe(0)
  })

  it('a run imports, drawing a progress bar up to 100 %, and a second run with the key updates nothing', async () => {
    const bars: string[] = []
    let out = ''
    const terminal = { out: (text: string) => (out += text), progress: (line: string) => bars.push(line) }
    const first = await importCommand(
      deps,
      csv,
      { app: 'shop', form: 'customers', keys: ['phone'], dryRun: false },
      terminal,
    )
    expect(first).toMatchObject({ inserted: 2, rejected: 1 })
    expect(bars[0]).toBe('reading  4 rows')
    expect(bars.at(-1)).toMatch(/^\[#{24}\] 100% {2}2\/2 records {2}[\d,]+\/s {2}ETA 0 s$/)
    expect(out).toContain('Imported 客户.csv into shop/customers:')
    const again = await importCommand(
      deps,
      csv,
      { app: 'shop', form: 'customers', keys: ['phone'], dryRun: false },
      terminal,
    )
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: 2 })
  })
})

describe('trellis import (the executable, on PGlite)', () => {
  it(
    'imports a file from the command line and exits 3 when rows were rejected',
    { timeout: 120_000 },
    async () => {
      const dataDir = tmpDataDir()
      const csv = path.join(dataDir, 'customers.csv')
      writeFileSync(csv, file)
      const database = await openDatabase({ dataDir })
      await migrateToLatest(database.db)
      const apps = new AppService(database.db)
      await apps.create(shopApp())
      await apps.publish('shop', undefined, 'test')
      await database.close()

      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          path.join(here, '../src/cli.ts'),
          'import',
          csv,
          '--app',
          'shop',
          '--form',
          'customers',
          '--key',
          'phone',
        ],
        {
          env: { ...process.env, TRELLIS_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      )
      let out = ''
      let err = ''
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
      expect(code, err).toBe(3)
      expect(out).toContain('Imported customers.csv into shop/customers:')
      expect(out).toContain('inserted 2')

      const missing = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          path.join(here, '../src/cli.ts'),
          'import',
          csv,
          '--app',
          'shop',
          '--form',
          'nope',
        ],
        {
          env: { ...process.env, TRELLIS_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      )
      let missingErr = ''
      missing.stderr.on('data', (chunk: Buffer) => (missingErr += chunk.toString()))
      expect(await new Promise((resolve) => missing.once('exit', resolve))).toBe(1)
      expect(missingErr).toMatch(/^[A-Z_]+: .*nope/)
    },
  )
})

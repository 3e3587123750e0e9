import { Command } from 'commander'
import { ConfigError, loadConfig } from './config.js'
import { migrateToLatest } from './db/migrate.js'
import { openConfiguredDatabase, startServer } from './server.js'
import { AppService } from './apps/app-service.js'
import { describeInstall, installOnFirstStart } from './templates/first-start.js'
import { installTemplate } from './templates/install-template.js'
import { importCommand } from './imports/import-command.js'
import { AccessService } from './auth/access-service.js'
import type { DynamicDb } from './db/dynamic.js'
import { AppError } from './http/errors.js'

const program = new Command()
  .name('trellis')
  .description('Trellis: a no-code application builder')
  .showHelpAfterError()

program
  .command('start')
  .description('migrate the database and serve the API and the designer')
  .action(async () => {
    const config = loadConfig()
    const server = await startServer(config)
    const where = server.database.kind === 'pglite' ? `PGlite in ${config.dataDir}` : 'PostgreSQL'
    process.stdout.write(
      `\nTrellis is running at ${server.url}  (database: ${where}; API docs: ${server.url}/docs)\n\n`,
    )
    if (server.initialAdmin) {
      const { username, password } = server.initialAdmin
      process.stdout.write(
        `First start: created the administrator  ${username} / ${password}\n` +
          `(shown only this once; change it after logging in, or set TRELLIS_ADMIN_PASSWORD before the first start)\n\n`,
      )
    }
    // Readiness stays 503 until the install ends: writes taken meanwhile would collide with its records.
    await server.startup.during('first start: installing the CRM template', () =>
      installOnFirstStart(server.database.db, process.env, (line) => process.stdout.write(`${line}\n`)),
    )
  })

program
  .command('migrate')
  .description('bring the platform tables to the latest version and exit')
  .action(async () => {
    const config = loadConfig()
    const database = await openConfiguredDatabase(config)
    try {
      const applied = await migrateToLatest(database.db)
      process.stdout.write(applied.length ? `Applied: ${applied.join(', ')}\n` : 'Already up to date.\n')
    } finally {
      await database.close()
    }
  })

program
  .command('template')
  .description('app templates')
  .command('install <key>')
  .description('install a template as a new published app (e.g. crm-retention)')
  .option('--demo', 'load its demo data too')
  .option('--size <customers>', 'demo customers (default 20000)', (v) => {
    const n = Number(v)
    if (!Number.isInteger(n) || n < 1) throw new Error(`--size must be a positive integer, not "${v}"`)
    return n
  })
  .action(async (key: string, options: { demo?: boolean; size?: number }) => {
    const config = loadConfig()
    const database = await openConfiguredDatabase(config)
    try {
      await migrateToLatest(database.db)
      const result = await installTemplate({ apps: new AppService(database.db), db: database.db }, key, {
        demo: options.demo ?? false,
        ...(options.size !== undefined ? { size: options.size } : {}),
        timeZone: config.timeZone,
      })
      process.stdout.write(`${describeInstall(result)}\n`)
    } finally {
      await database.close()
    }
  })

program
  .command('import <file>')
  .description('import a CSV or XLSX file into a form of a published app, with a progress bar and a summary')
  .requiredOption('--app <app>', 'app key')
  .requiredOption('--form <form>', 'form key')
  .option('--key <fields>', 'business keys, comma-separated (e.g. phone): matching rows update records', '')
  .option('--dry-run', 'do everything, then roll back: exact counts, nothing stored')
  .option('--events', 'let rules and webhooks react to the imported records (default: history, no events)')
  .action(
    async (
      file: string,
      options: { app: string; form: string; key: string; dryRun?: boolean; events?: boolean },
    ) => {
      const config = loadConfig()
      const database = await openConfiguredDatabase(config)
      const tty = process.stderr.isTTY
      try {
        await migrateToLatest(database.db)
        const result = await importCommand(
          {
            db: database.db as unknown as DynamicDb,
            apps: new AppService(database.db),
            access: new AccessService(database.db),
            dataDir: config.dataDir,
          },
          file,
          {
            app: options.app,
            form: options.form,
            keys: options.key
              .split(',')
              .map((k) => k.trim())
              .filter(Boolean),
            dryRun: options.dryRun ?? false,
            events: options.events ?? false,
          },
          {
            out: (text) => {
              if (tty) process.stderr.write('\r\x1b[K')
              process.stdout.write(text)
            },
            ...(tty ? { progress: (line: string) => process.stderr.write(`\r\x1b[K${line}`) } : {}),
          },
        )
        if (result.rejected) process.exitCode = 3
      } catch (error) {
        if (!(error instanceof AppError)) throw error
        process.stderr.write(`${error.code}: ${error.message}${error.path ? ` (${error.path})` : ''}\n`)
        process.exitCode = 1
      } finally {
        await database.close()
      }
    },
  )

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`)
    process.exit(2)
  }
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  process.exit(1)
})

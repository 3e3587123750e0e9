import { Command } from 'commander'
import { ConfigError, loadConfig } from './config.js'
import { migrateToLatest } from './db/migrate.js'
import { openConfiguredDatabase, startServer } from './server.js'

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

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`)
    process.exit(2)
  }
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
  process.exit(1)
})

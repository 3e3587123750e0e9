// Quick start, command two: install, then typecheck, lint, format check and every test on both databases.
import { bin, ensurePostgres, installDependencies, root, runOrExit, say } from './lib/toolchain.mjs'

process.env.TURBO_TELEMETRY_DISABLED = '1'
await installDependencies()

let postgresUp = false
if (!process.env.TRELLIS_TEST_DATABASES || process.env.TRELLIS_TEST_DATABASES.includes('postgresql')) {
  const up = await ensurePostgres()
  postgresUp = up
  if (up) say('PostgreSQL is reachable at 127.0.0.1:5432: database tests run on PGlite and PostgreSQL.')
  else if (process.env.CI) {
    say('PostgreSQL is NOT reachable at 127.0.0.1:5432 and could not be started; CI requires it.')
    process.exit(1)
  } else
    say(
      'PostgreSQL is NOT reachable at 127.0.0.1:5432 and could not be started: database tests run on PGlite ONLY.',
    )
  if (up && process.env.CI) process.env.TRELLIS_REQUIRE_POSTGRES = '1'
}

say('typecheck and lint…')
await bin('turbo', ['run', 'typecheck', 'lint', '--output-logs=errors-only'])
await bin('prettier', ['--check', '--log-level=warn', '.'])
say('tests…')
await bin('vitest', ['run'])

// The resilience suite restarts PostgreSQL, so it runs alone, after everything else (scripts/chaos/run.mjs).
if (postgresUp) {
  say('resilience suite: two processes under load, kill -9 and PostgreSQL restarts…')
  const asRoot = process.getuid?.() === 0
  await runOrExit(process.execPath, [`${root}scripts/chaos/run.mjs`], {
    env: { ...process.env, ...(asRoot ? {} : { CHAOS_POSTGRES_RESTARTS: '0' }) },
  })
}

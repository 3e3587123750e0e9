// What the two quick-start commands share: find or fetch pnpm, install, run, and check PostgreSQL.
// Plain Node (no dependencies): these run before anything is installed.
import { spawn, spawnSync } from 'node:child_process'
import net from 'node:net'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'

export const root = new URL('../..', import.meta.url).pathname

const pinned = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).packageManager // "pnpm@10.x.y"

let pnpmReady = false

/**
 * pnpm from PATH when it is major 10; otherwise the pinned version is installed with npm into `.tools/`
 * (corepack is not relied on) and put on PATH for this process and everything it starts — turbo, for one,
 * looks pnpm up on PATH itself.
 */
export function pnpmCommand() {
  if (!pnpmReady) {
    const probe = spawnSync('pnpm', ['--version'], { encoding: 'utf8' })
    if (!(probe.status === 0 && probe.stdout.trim().startsWith('10.'))) {
      const tools = `${root}.tools`
      if (!existsSync(`${tools}/node_modules/.bin/pnpm`)) {
        say(`fetching ${pinned} (no pnpm 10 on PATH)…`)
        const installed = spawnSync(
          'npm',
          [
            'install',
            '--prefix',
            tools,
            '--no-fund',
            '--no-audit',
            '--no-package-lock',
            '--loglevel=error',
            pinned,
          ],
          { stdio: 'inherit' },
        )
        if (installed.status !== 0) throw new Error(`could not install ${pinned} with npm`)
      }
      process.env.PATH = `${tools}/node_modules/.bin${path.delimiter}${process.env.PATH}`
    }
    pnpmReady = true
  }
  return ['pnpm']
}

export function say(line) {
  process.stdout.write(`\x1b[36m[trellis]\x1b[0m ${line}\n`)
}

/** Runs a command with inherited output; resolves with its exit code. */
export function run(command, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit', ...options })
    const forward = (signal) => child.kill(signal)
    process.on('SIGINT', forward)
    process.on('SIGTERM', forward)
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward)
      process.off('SIGTERM', forward)
      resolve(code ?? (signal ? 1 : 0))
    })
  })
}

export async function runOrExit(command, args, options) {
  const code = await run(command, args, options)
  if (code !== 0) process.exit(code)
}

export async function pnpm(args, options) {
  const [command, ...prefix] = pnpmCommand()
  await runOrExit(command, [...prefix, ...args], options)
}

/** A tool installed in the workspace, run directly (not through `pnpm exec`, whose nested env trips pnpm). */
export async function bin(name, args, options) {
  await runOrExit(`${root}node_modules/.bin/${name}`, args, options)
}

export async function installDependencies() {
  say('installing dependencies (pnpm, from the lockfile)…')
  await pnpm(['install', '--frozen-lockfile', '--prefer-offline', '--reporter=silent'])
}

export function portOpen(host, port, timeoutMs = 1500) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port })
    const done = (ok) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(timeoutMs, () => done(false))
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}

/** Makes sure the local PostgreSQL answers on 127.0.0.1:5432, starting the Debian cluster if it is down. */
export async function ensurePostgres() {
  if (await portOpen('127.0.0.1', 5432)) return true
  const clusters = spawnSync('sh', ['-c', 'ls /etc/postgresql 2>/dev/null'], { encoding: 'utf8' })
    .stdout.trim()
    .split('\n')[0]
  if (clusters) {
    say(`PostgreSQL is down; starting cluster ${clusters}/main…`)
    spawnSync('pg_ctlcluster', ['--skip-systemctl-redirect', clusters, 'main', 'start'], { stdio: 'inherit' })
    for (let i = 0; i < 30; i++) {
      if (await portOpen('127.0.0.1', 5432)) return true
      await new Promise((r) => setTimeout(r, 500))
    }
  }
  return false
}

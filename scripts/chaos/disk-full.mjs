// Fault: the disk of a PGlite data folder fills up (issue 13). One `trellis start` on PGlite whose
// TRELLIS_DATA_DIR is a small tmpfs takes a steady load of record writes; a filler file then takes every free
// byte, the load goes on for a few seconds, the filler is deleted, and the load goes on again — all on the same
// process. Then `kill -9` and a restart on the same folder. Checked:
//   - while the disk is full, writes fail promptly with a 5xx and a stable error code (none hangs, the process
//     does not die), and no write is acknowledged that is not stored;
//   - once space is free again, writes succeed without a restart;
//   - after kill -9 and a restart: readiness is green, every acknowledged write is present exactly once and the
//     database opens and answers (no corruption).
// Needs root (`mount -t tmpfs`): without it the scenario is skipped with a loud message.
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
const label = (zh, en) => ({ 'zh-CN': zh, en })
/** Big enough for a fresh PGlite cluster (~40 MB with its WAL) plus the writes below, with headroom. */
const tmpfsMegabytes = 128
const requestTimeoutMs = 10_000

const diskApp = {
  key: 'disk',
  name: label('磁盘', 'Disk'),
  forms: [
    {
      key: 'notes',
      label: label('记录', 'Notes'),
      fields: [
        { key: 'ref', type: 'text', label: label('编号', 'Ref'), required: true, unique: true },
        { key: 'body', type: 'text', label: label('内容', 'Body'), multiline: true },
      ],
    },
  ],
}

async function api(base, method, route, body, headers = {}) {
  const res = await fetch(`${base}${route}`, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(requestTimeoutMs),
  })
  const text = await res.text()
  let parsed
  try {
    parsed = text ? JSON.parse(text) : undefined
  } catch {
    parsed = { code: 'NOT_JSON', message: text.slice(0, 200) }
  }
  return { status: res.status, body: parsed, headers: res.headers }
}

/** Mounts a tmpfs on a fresh folder; undefined (and why) when this machine does not allow it. */
function mountTmpfs() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-chaos-disk-'))
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    fs.rmSync(dir, { recursive: true, force: true })
    return { reason: 'not running as root' }
  }
  const result = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${tmpfsMegabytes}m`, 'tmpfs', dir], {
    encoding: 'utf8',
  })
  if (result.status !== 0) {
    fs.rmSync(dir, { recursive: true, force: true })
    return { reason: `mount failed: ${(result.stderr || result.error?.message || '').trim()}` }
  }
  return { dir }
}

function unmount(dir) {
  // Lazy unmount: even a process we failed to kill cannot keep the mount (and its RAM) alive.
  spawnSync('umount', ['-l', dir], { stdio: 'ignore' })
  fs.rmSync(dir, { recursive: true, force: true })
}

function freeBytes(dir) {
  const stats = fs.statfsSync(dir)
  return stats.bavail * stats.bsize
}

/** Takes every free byte of the folder's file system with one file. */
function fill(file) {
  const dir = path.dirname(file)
  const free = freeBytes(dir)
  if (spawnSync('fallocate', ['-l', String(free), file]).status !== 0) {
    spawnSync('dd', ['if=/dev/zero', `of=${file}`, 'bs=1M'], { stdio: 'ignore' }) // stops at ENOSPC
  }
  // Whatever a racing write freed or took meanwhile: top up to zero.
  const rest = freeBytes(dir)
  if (rest > 0)
    spawnSync('dd', ['if=/dev/zero', `of=${file}.2`, `bs=${rest}`, 'count=1'], { stdio: 'ignore' })
  return free
}

/**
 * Runs the scenario; resolves to `{ skipped }` when the machine cannot mount, else to
 * `{ faults: 1, violations: string[], stats }`.
 */
export async function runDiskFull({ cli, root, password, port = 39103 }) {
  const mounted = mountTmpfs()
  if (!mounted.dir) return { skipped: mounted.reason }
  const dir = mounted.dir
  // Ctrl-C or a CI timeout must not leave the mount (and its RAM) behind: unmount on the way out too.
  const onExit = () => {
    child?.kill('SIGKILL')
    spawnSync('umount', ['-l', dir], { stdio: 'ignore' })
  }
  const onSignal = (signal) => process.exit(signal === 'SIGINT' ? 130 : 143)
  process.once('exit', onExit)
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  const base = `http://127.0.0.1:${port}`
  const violations = []
  let child
  let stopping = false
  const startProcess = () => {
    stopping = false
    const env = { ...process.env }
    delete env.DATABASE_URL // PGlite in the data folder
    child = spawn(process.execPath, [cli, 'start'], {
      env: {
        ...env,
        PORT: String(port),
        TRELLIS_DEMO: '0',
        TRELLIS_ADMIN_PASSWORD: password,
        TRELLIS_DATA_DIR: dir,
        LOG_LEVEL: process.env.CHAOS_LOG ? 'error' : 'fatal',
      },
      stdio: process.env.CHAOS_LOG ? ['ignore', 'ignore', 'inherit'] : 'ignore',
    })
    const me = child
    me.on('exit', (code, signal) => {
      if (!stopping) violations.push(`the PGlite process exited by itself (${signal ?? code})`)
    })
    return me
  }
  const killProcess = async (signal) => {
    stopping = true
    const me = child
    if (!me || me.exitCode !== null || me.signalCode !== null) return
    me.kill(signal)
    await new Promise((resolve) =>
      me.exitCode !== null || me.signalCode !== null ? resolve() : me.on('exit', resolve),
    )
  }
  const ready = async (seconds) => {
    for (let i = 0; i < seconds * 10; i++) {
      try {
        if ((await api(base, 'GET', '/api/health/ready')).status === 200) return true
      } catch {
        // starting
      }
      await sleep(100)
    }
    return false
  }

  try {
    startProcess()
    if (!(await ready(60))) throw new Error('the PGlite process did not become ready')
    const login = await api(base, 'POST', '/api/auth/login', { username: 'admin', password })
    if (login.status !== 200) throw new Error(`login: ${login.status}`)
    const session = {
      cookie: login.headers.get('set-cookie').split(';')[0],
      'x-csrf-token': login.body.csrfToken,
    }
    const token = await api(
      base,
      'POST',
      '/api/auth/tokens',
      { name: 'chaos-disk', scopes: ['records:read', 'records:write', 'apps:admin'] },
      session,
    )
    if (token.status !== 201) throw new Error(`token: ${token.status}`)
    const auth = { authorization: `Bearer ${token.body.token}` }
    if ((await api(base, 'POST', '/api/apps', diskApp, auth)).status !== 201) throw new Error('create app')
    if ((await api(base, 'POST', '/api/apps/disk/publish', {}, auth)).status !== 200)
      throw new Error('publish')

    // The load: writers record what the API acknowledged, and how every other answer looked.
    const acknowledged = new Set()
    const phases = { before: newTally(), full: newTally(), freed: newTally() }
    let phase = 'before'
    let loading = true
    const padding = 'x'.repeat(900) // rows of ~1 KB (the field's limit is 1000): WAL and heap both grow
    const writer = async (w) => {
      for (let n = 0; loading; n++) {
        const ref = `d${w}-${n}`
        const tally = phases[phase]
        const started = Date.now()
        try {
          const res = await api(
            base,
            'POST',
            '/api/apps/disk/forms/notes/records',
            { values: { ref, body: `${ref} ${padding}` } },
            auth,
          )
          tally.slowest = Math.max(tally.slowest, Date.now() - started)
          if (res.status === 201) {
            acknowledged.add(ref)
            tally.ok++
            if (tally.firstOkAt === undefined) tally.firstOkAt = Date.now()
          } else {
            const key = `${res.status} ${res.body?.code ?? '?'}`
            tally.failed[key] = (tally.failed[key] ?? 0) + 1
            if (!tally.example) tally.example = `${key}: ${res.body?.message ?? ''}`.slice(0, 200)
            await sleep(50)
          }
        } catch (error) {
          tally.slowest = Math.max(tally.slowest, Date.now() - started)
          const key = error?.name === 'TimeoutError' ? 'timeout' : 'connection'
          tally.failed[key] = (tally.failed[key] ?? 0) + 1
          await sleep(100)
        }
      }
    }
    const writers = Array.from({ length: 3 }, (_, w) => writer(w))

    await sleep(2000)
    const filler = path.join(dir, 'filler')
    phase = 'full'
    const fullAt = Date.now()
    const filled = fill(filler)
    phases.full.startedAt = fullAt
    await sleep(4000)
    let readyWhileFull
    try {
      const res = await api(base, 'GET', '/api/health/ready')
      readyWhileFull = `${res.status} ${res.body?.reason ?? res.body?.status ?? ''}`.slice(0, 160)
    } catch (error) {
      readyWhileFull = `no answer (${error?.name})`
    }
    fs.rmSync(filler, { force: true })
    fs.rmSync(`${filler}.2`, { force: true })
    const freedAt = Date.now()
    phase = 'freed'
    for (let i = 0; i < 150 && phases.freed.firstOkAt === undefined; i++) await sleep(100)
    await sleep(2000)
    loading = false
    await Promise.all(writers)

    const full = phases.full
    const fullFailures = Object.values(full.failed).reduce((a, b) => a + b, 0)
    if (fullFailures === 0)
      violations.push('no write failed while the disk was full (did the filler take the space?)')
    if (full.failed.timeout || phases.freed.failed.timeout)
      violations.push(
        `${(full.failed.timeout ?? 0) + (phases.freed.failed.timeout ?? 0)} writes hung (no answer in ${requestTimeoutMs / 1000} s)`,
      )
    // A full disk answers 507 STORAGE_FULL; 503 SERVER_BUSY (backpressure on a loaded machine) is clear too.
    const unclear = Object.keys(full.failed).filter(
      (key) => key !== '507 STORAGE_FULL' && key !== '503 SERVER_BUSY',
    )
    if (unclear.length)
      violations.push(`writes on a full disk failed without a clear code: ${unclear.join(', ')}`)
    if (phases.freed.firstOkAt === undefined)
      violations.push('writes did not succeed again within 15 s of freeing the disk')

    // kill -9 and restart on the same folder.
    await killProcess('SIGKILL')
    startProcess()
    const restartedAt = Date.now()
    const readyAgain = await ready(60)
    if (!readyAgain)
      violations.push('after kill -9 the process on the same folder did not become ready in 60 s')
    const readyAfterMs = Date.now() - restartedAt
    let stored = []
    if (readyAgain) {
      let check
      for (let i = 0; i < 20 && (check === undefined || check.status === 503); i++) {
        if (check) await sleep(500) // SERVER_BUSY right after a start on a loaded machine: retry
        check = await api(
          base,
          'POST',
          '/api/apps/disk/forms/notes/records',
          { values: { ref: 'after-restart' } },
          auth,
        )
      }
      if (check.status === 201) acknowledged.add('after-restart')
      else violations.push(`a write after the restart failed: ${check.status} ${check.body?.code}`)
    }
    await killProcess('SIGTERM')
    // Read the folder directly: the database must open, and every acknowledged ref be there exactly once.
    const require = createRequire(path.join(root, 'apps/server/package.json'))
    const { PGlite } = require('@electric-sql/pglite')
    const pglite = await PGlite.create({ dataDir: path.join(dir, 'pglite') })
    try {
      stored = (await pglite.query('select ref, count(*)::int as n from app_disk.notes group by ref')).rows
    } finally {
      await pglite.close()
    }
    const present = new Map(stored.map((row) => [row.ref, row.n]))
    const lost = [...acknowledged].filter((ref) => !present.has(ref))
    const duplicates = stored.filter((row) => row.n !== 1)
    if (lost.length)
      violations.push(`${lost.length} acknowledged writes lost: ${lost.slice(0, 5).join(', ')}`)
    if (duplicates.length) violations.push(`${duplicates.length} refs stored more than once`)

    return {
      faults: 1,
      violations,
      stats: {
        tmpfsMegabytes,
        filledMegabytes: Math.round(filled / 2 ** 20),
        acknowledged: acknowledged.size,
        stored: stored.length,
        lost: lost.length,
        duplicates: duplicates.length,
        before: summarize(phases.before),
        full: summarize(full),
        readyWhileFull,
        recoveredAfterMs: phases.freed.firstOkAt === undefined ? undefined : phases.freed.firstOkAt - freedAt,
        freed: summarize(phases.freed),
        readyAfterKillMs: readyAfterMs,
      },
    }
  } finally {
    await killProcess('SIGKILL').catch(() => {})
    unmount(dir)
    process.off('exit', onExit)
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}

function newTally() {
  return { ok: 0, failed: {}, slowest: 0, firstOkAt: undefined, example: undefined }
}

function summarize(tally) {
  return {
    ok: tally.ok,
    failed: tally.failed,
    slowestMs: tally.slowest,
    ...(tally.example ? { example: tally.example } : {}),
  }
}

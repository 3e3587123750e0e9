import { spawn, type ChildProcess } from 'node:child_process'
import http from 'node:http'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { tmpDataDir } from './support/tmp.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(here, '../../..')

/** `trellis start` as a user runs it (from source through tsx), on PGlite in a fresh data folder. */
function startCli(): {
  child: ChildProcess
  url: Promise<string>
  output: () => string
  exited: Promise<number | null>
} {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, '../src/cli.ts'), 'start'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: '0',
      TRELLIS_DATA_DIR: tmpDataDir(),
      TRELLIS_DEMO: '0',
      TRELLIS_ADMIN_PASSWORD: 'first-admin-password',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  const url = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const match = /Trellis is running at (http:\/\/\S+)/.exec(out)
      if (match) resolve(match[1]!)
    })
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()))
    child.once('exit', () => reject(new Error(`exited before listening:\n${out}`)))
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return { child, url, output: () => out, exited }
}

describe('trellis start (CLI, PGlite)', () => {
  const cli = startCli()
  afterAll(() => {
    if (cli.child.exitCode === null) cli.child.kill('SIGKILL')
  })

  it('prints the URL, creates the first admin from the environment and serves health and docs', async () => {
    const url = await cli.url
    await expect
      .poll(() => cli.output())
      .toContain('First start: created the administrator  admin / first-admin-password')
    expect(await (await fetch(`${url}/api/health`)).json()).toEqual({ status: 'ok', database: 'pglite' })
    expect((await fetch(`${url}/docs/`)).status).toBe(200)
  })

  it('on SIGTERM finishes the request in flight, then exits cleanly', async () => {
    const url = new URL(await cli.url)
    const login = await fetch(`${url.origin}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'first-admin-password' }),
    })
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!
    const { csrfToken } = (await login.json()) as { csrfToken: string }
    // A request whose body arrives in two halves, with SIGTERM sent between them.
    const body = Buffer.from(JSON.stringify({ name: 'drain-check', scopes: ['records:read'] }))
    const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const request = http.request(
        {
          host: url.hostname,
          port: url.port,
          method: 'POST',
          path: '/api/auth/tokens',
          headers: {
            'content-type': 'application/json',
            'content-length': body.length,
            cookie,
            'x-csrf-token': csrfToken,
          },
        },
        (res) => {
          let text = ''
          res.on('data', (chunk: Buffer) => (text += chunk.toString()))
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }))
        },
      )
      request.on('error', reject)
      request.write(body.subarray(0, 10))
      setTimeout(() => {
        cli.child.kill('SIGTERM')
        setTimeout(() => request.end(body.subarray(10)), 300)
      }, 300)
    })
    const answered = await response
    expect(answered.status).toBe(201)
    expect(JSON.parse(answered.text).token).toMatch(/^trl_/)
    expect(await cli.exited).toBe(0)
  })
})

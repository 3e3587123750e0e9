import { ESLint } from 'eslint'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')

describe('engine purity lint rule', () => {
  const eslint = new ESLint({ cwd: root })
  const lintAs = async (code: string, file: string) => {
    const [result] = await eslint.lintText(code, { filePath: path.join(root, file) })
    return result!.messages.map((m) => m.ruleId)
  }

  it.each(['fastify', 'react', 'pg', '@electric-sql/pglite', '@fastify/static'])(
    'refuses `%s` inside an engine package',
    async (name) => {
      const rules = await lintAs(
        `import x from '${name}'\nexport default x\n`,
        'packages/rule-engine/src/probe.ts',
      )
      expect(rules).toContain('no-restricted-imports')
    },
  )

  it('allows the same import in the server', async () => {
    const rules = await lintAs(`import x from 'pg'\nexport default x\n`, 'apps/server/src/probe.ts')
    expect(rules).not.toContain('no-restricted-imports')
  })
})

import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import jsonLogic from 'json-logic-js'
import { describe, expect, it } from 'vitest'
import { compileCondition } from '../src/index.js'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const suiteFile = path.resolve(repoRoot, '../shared/fixtures/jsonlogic-tests.json')
const suite = JSON.parse(fs.readFileSync(suiteFile, 'utf8')) as unknown[]
const cases = suite.filter((entry): entry is [unknown, unknown, unknown] => Array.isArray(entry))

describe('the official JsonLogic suite', () => {
  it('holds the expected number of cases', () => {
    expect(cases.length).toBeGreaterThan(250)
  })

  it.each(cases.map((c, i) => [i, JSON.stringify(c[0]), c] as const))(
    'case %i: %s',
    (_i, _label, [logic, data, expected]) => {
      const compiled = compileCondition(logic)
      expect(compiled(data)).toEqual(expected)
      // json-logic-js is the oracle: same answer on the same input.
      expect(compiled(data)).toEqual(jsonLogic.apply(logic as never, data as never))
    },
  )
})

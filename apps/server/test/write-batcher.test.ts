import { describe, expect, it } from 'vitest'
import { WriteBatcher } from '../src/records/write-batcher.js'

/** A statement that takes a tick and records how many rows each call carried. */
function fakeTable(badValue?: number) {
  const calls: number[][] = []
  const insert = async (rows: number[]) => {
    calls.push(rows)
    await new Promise((resolve) => setTimeout(resolve, 5))
    if (rows.includes(badValue!)) throw new Error(`duplicate ${badValue}`)
    return rows.map((row) => `row ${row}`)
  }
  return { calls, insert, insertOne: async (row: number) => (await insert([row]))[0]! }
}

describe('WriteBatcher', () => {
  it('sends a lone write at once, alone', async () => {
    const table = fakeTable()
    const batcher = new WriteBatcher<number, string>(2)
    expect(await batcher.submit('t', 1, table.insert, table.insertOne)).toBe('row 1')
    expect(table.calls).toEqual([[1]])
  })

  it('groups writes that arrive together, and answers each with its own row', async () => {
    const table = fakeTable()
    const batcher = new WriteBatcher<number, string>(2)
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => batcher.submit('t', i, table.insert, table.insertOne)),
    )
    expect(results).toEqual(Array.from({ length: 10 }, (_, i) => `row ${i}`))
    expect(table.calls).toEqual([[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]])
  })

  it('groups writes that arrive while statements are in flight', async () => {
    const table = fakeTable()
    const batcher = new WriteBatcher<number, string>(1)
    const first = batcher.submit('t', 0, table.insert, table.insertOne)
    await new Promise((resolve) => setImmediate(resolve))
    const rest = Array.from({ length: 4 }, (_, i) =>
      batcher.submit('t', i + 1, table.insert, table.insertOne),
    )
    await new Promise((resolve) => setImmediate(resolve))
    const last = batcher.submit('t', 5, table.insert, table.insertOne)
    expect(await Promise.all([first, ...rest, last])).toEqual(Array.from({ length: 6 }, (_, i) => `row ${i}`))
    expect(table.calls).toEqual([[0], [1, 2, 3, 4, 5]])
  })

  it('gathers the writes of callers answered by one batch into the next batch', async () => {
    const table = fakeTable()
    const batcher = new WriteBatcher<number, string>(1)
    // Eight callers, each writing three rows one after the other, as concurrent requests do.
    const caller = async (c: number) => {
      for (let k = 0; k < 3; k++) await batcher.submit('t', c * 10 + k, table.insert, table.insertOne)
    }
    await Promise.all(Array.from({ length: 8 }, (_, c) => caller(c)))
    expect(table.calls.map((rows) => rows.length)).toEqual([8, 8, 8])
  })

  it('keeps lanes apart', async () => {
    const a = fakeTable()
    const b = fakeTable()
    const batcher = new WriteBatcher<number, string>(1)
    await Promise.all([
      batcher.submit('a', 1, a.insert, a.insertOne),
      batcher.submit('b', 2, b.insert, b.insertOne),
      batcher.submit('a', 3, a.insert, a.insertOne),
    ])
    expect(a.calls).toEqual([[1, 3]])
    expect(b.calls).toEqual([[2]])
  })

  it('retries a failed batch row by row so only the bad row fails', async () => {
    const table = fakeTable(4)
    const batcher = new WriteBatcher<number, string>(1)
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => batcher.submit('t', i, table.insert, table.insertOne)),
    )
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
      'row 0',
      'row 1',
      'row 2',
      'row 3',
      'duplicate 4',
      'row 5',
    ])
    expect(table.calls[0]).toEqual([0, 1, 2, 3, 4, 5])
    expect(table.calls.slice(1)).toEqual([[0], [1], [2], [3], [4], [5]])
  })

  it('caps a batch at maxBatch rows', async () => {
    const table = fakeTable()
    const batcher = new WriteBatcher<number, string>(1, 3)
    await Promise.all(
      Array.from({ length: 8 }, (_, i) => batcher.submit('t', i, table.insert, table.insertOne)),
    )
    expect(table.calls.map((rows) => rows.length)).toEqual([3, 3, 2])
  })
})

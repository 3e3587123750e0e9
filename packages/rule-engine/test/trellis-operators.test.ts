import { describe, expect, it } from 'vitest'
import { compileCondition, type ConditionContext } from '../src/index.js'

const NOW = '2024-03-10T06:30:00.000Z' // 14:30 Sunday in Shanghai; 01:30 EST in New York
const run = (logic: unknown, data: unknown = {}, context: ConditionContext = {}, timeZone?: string) =>
  compileCondition(logic, timeZone ? { timeZone } : {})(data, { now: NOW, ...context })

describe('now and today', () => {
  it('reads the context clock, else options.now, else the system clock', () => {
    expect(run({ now: [] })).toBe(NOW)
    expect(run({ var: '$now' })).toBe(NOW)
    expect(run({ today: [] })).toBe('2024-03-10')
    expect(run({ today: [] }, {}, { now: '2024-03-09T20:00:00.000Z' })).toBe('2024-03-10')
    expect(run({ today: [] }, {}, { now: '2024-03-09T20:00:00.000Z' }, 'UTC')).toBe('2024-03-09')
    const fixed = compileCondition({ now: [] }, { now: () => new Date('2020-01-01T00:00:00Z') })
    expect(fixed({})).toBe('2020-01-01T00:00:00.000Z')
    expect(typeof compileCondition({ now: [] })({})).toBe('string')
  })

  it('takes the time zone from the context over the options', () => {
    expect(run({ today: [] }, {}, { now: '2024-03-09T20:00:00.000Z', timeZone: 'UTC' })).toBe('2024-03-09')
  })
})

describe('date_add', () => {
  it('adds calendar units to dates, clamping to the end of the month', () => {
    expect(run({ date_add: ['2024-01-31', 1, 'months'] })).toBe('2024-02-29')
    expect(run({ date_add: ['2023-01-31', 1, 'month'] })).toBe('2023-02-28')
    expect(run({ date_add: ['2024-02-29', 1, 'years'] })).toBe('2025-02-28')
    expect(run({ date_add: ['2024-12-31', 1, 'days'] })).toBe('2025-01-01')
    expect(run({ date_add: ['2024-03-01', -1, 'days'] })).toBe('2024-02-29')
    expect(run({ date_add: ['2024-01-01', 2, 'weeks'] })).toBe('2024-01-15')
  })

  it('adds exact durations to instants and wall-clock units in the zone', () => {
    expect(run({ date_add: ['2024-03-10T06:30:00.000Z', 2, 'hours'] })).toBe('2024-03-10T08:30:00.000Z')
    // New York springs forward on 2024-03-10: one calendar day later is 23 hours later.
    expect(run({ date_add: ['2024-03-09T12:00:00.000Z', 1, 'days'] }, {}, {}, 'America/New_York')).toBe(
      '2024-03-10T11:00:00.000Z',
    )
    // 02:30 does not exist that day; PostgreSQL's rule reads it with the offset before the change.
    expect(run({ date_add: ['2024-03-09T07:30:00.000Z', 1, 'days'] }, {}, {}, 'America/New_York')).toBe(
      '2024-03-10T07:30:00.000Z',
    )
    expect(run({ date_add: ['2024-01-31T04:00:00.000Z', 1, 'months'] })).toBe('2024-02-29T04:00:00.000Z')
    // A date plus hours is an instant from local midnight.
    expect(run({ date_add: ['2024-03-10', 1, 'hours'] })).toBe('2024-03-09T17:00:00.000Z')
  })

  it('yields null for values that are not dates', () => {
    expect(run({ date_add: [null, 1, 'days'] })).toBeNull()
    expect(run({ date_add: ['not a date', 1, 'days'] })).toBeNull()
    expect(run({ date_add: ['2024-02-30', 1, 'days'] })).toBeNull()
    expect(run({ date_add: ['2024-02-01', null, 'days'] })).toBeNull()
  })
})

describe('date_diff and days_since', () => {
  it('counts calendar days in the zone', () => {
    expect(run({ date_diff: ['2024-03-01', '2024-03-10'] })).toBe(9)
    expect(run({ date_diff: ['2024-03-10', '2024-03-01', 'days'] })).toBe(-9)
    expect(run({ days_since: ['2024-03-09T16:30:00.000Z'] })).toBe(0) // 00:30 on the 10th in Shanghai
    expect(run({ days_since: ['2024-03-09T15:59:59.000Z'] })).toBe(1)
    expect(run({ days_since: ['2024-03-09T16:30:00.000Z'] }, {}, {}, 'UTC')).toBe(1)
    expect(run({ days_since: ['2023-12-31'] })).toBe(70)
    expect(run({ days_since: [null] })).toBeNull()
  })

  it('counts whole months, weeks and years', () => {
    expect(run({ date_diff: ['2024-01-31', '2024-02-29', 'months'] })).toBe(0)
    expect(run({ date_diff: ['2024-01-15', '2024-03-15', 'months'] })).toBe(2)
    expect(run({ date_diff: ['2024-03-15', '2024-01-16', 'months'] })).toBe(-1)
    expect(run({ date_diff: ['2024-01-01', '2024-01-14', 'weeks'] })).toBe(1)
    expect(run({ date_diff: ['1992-02-29', '2024-02-28', 'years'] })).toBe(31)
    expect(run({ date_diff: ['1992-02-29', '2024-02-29', 'years'] })).toBe(32)
  })
})

describe('anniversaries', () => {
  it('matches 29 February on 28 February in non-leap years only', () => {
    expect(run({ is_anniversary: ['1992-02-29', '2023-02-28'] })).toBe(true)
    expect(run({ is_anniversary: ['1992-02-29', '2023-03-01'] })).toBe(false)
    expect(run({ is_anniversary: ['1992-02-29', '2024-02-28'] })).toBe(false)
    expect(run({ is_anniversary: ['1992-02-29', '2024-02-29'] })).toBe(true)
    expect(run({ is_anniversary: ['1990-02-28', '2024-02-28'] })).toBe(true)
    expect(run({ is_anniversary: ['2000-03-10'] })).toBe(true)
    expect(run({ is_anniversary: [null] })).toBe(false)
  })

  it('counts days to the next anniversary across year ends', () => {
    expect(run({ days_until_anniversary: ['2000-03-10'] })).toBe(0)
    expect(run({ days_until_anniversary: ['2000-03-17'] })).toBe(7)
    expect(run({ days_until_anniversary: ['2000-03-09'] })).toBe(364)
    expect(run({ days_until_anniversary: ['1990-01-02', '2023-12-30'] })).toBe(3)
    expect(run({ days_until_anniversary: ['1992-02-29', '2023-02-01'] })).toBe(27)
    expect(run({ days_until_anniversary: ['1992-02-29', '2024-02-01'] })).toBe(28)
  })

  it('numbers the days of the year', () => {
    expect(run({ day_of_year: ['2024-12-31'] })).toBe(366)
    expect(run({ day_of_year: ['2023-12-31'] })).toBe(365)
    expect(run({ day_of_year: ['2024-03-01'] })).toBe(61)
  })
})

describe('start_of', () => {
  it('finds local starts in Asia/Shanghai by default', () => {
    expect(run({ start_of: [{ now: [] }, 'day'] })).toBe('2024-03-09T16:00:00.000Z')
    expect(run({ start_of: [{ now: [] }, 'week'] })).toBe('2024-03-03T16:00:00.000Z') // Monday 4 March
    expect(run({ start_of: [{ now: [] }, 'month'] })).toBe('2024-02-29T16:00:00.000Z')
    expect(run({ start_of: [{ now: [] }, 'year'] })).toBe('2023-12-31T16:00:00.000Z')
  })

  it('follows DST offsets in other zones', () => {
    expect(run({ start_of: ['2024-03-10T12:00:00.000Z', 'day'] }, {}, {}, 'America/New_York')).toBe(
      '2024-03-10T05:00:00.000Z',
    )
    expect(run({ start_of: ['2024-03-11T12:00:00.000Z', 'day'] }, {}, {}, 'America/New_York')).toBe(
      '2024-03-11T04:00:00.000Z',
    )
  })

  it('rejects a bad literal unit when compiling', () => {
    expect(() => compileCondition({ start_of: [{ now: [] }, 'fortnight'] })).toThrowError(
      expect.objectContaining({ code: 'invalid_argument', path: 'start_of.1' }),
    )
  })
})

describe('text matching', () => {
  it('matches case-sensitively and ASCII case-insensitively', () => {
    expect(run({ contains: [{ var: 'n' }, '小明'] }, { n: '王小明' })).toBe(true)
    expect(run({ starts_with: [{ var: 'n' }, 'Al'] }, { n: 'Alice' })).toBe(true)
    expect(run({ ends_with: [{ var: 'n' }, 'CE'] }, { n: 'Alice' })).toBe(false)
    expect(run({ iends_with: [{ var: 'n' }, 'CE'] }, { n: 'Alice' })).toBe(true)
    expect(run({ icontains: [{ var: 'n' }, 'LIC'] }, { n: 'Alice' })).toBe(true)
    expect(run({ istarts_with: [{ var: 'n' }, 'É'] }, { n: 'éclair' })).toBe(false) // ASCII only
    expect(run({ contains: [{ var: 'n' }, 12] }, { n: 'a12' })).toBe(true)
    expect(run({ contains: [{ var: 'n' }, 'a'] }, { n: null })).toBe(false)
    expect(run({ contains: [{ var: 'n' }, null] }, { n: 'null' })).toBe(false)
  })
})

describe('between, is_empty, has_any, has_all', () => {
  it('between is inclusive with JsonLogic comparisons', () => {
    expect(run({ between: [5, 1, 5] })).toBe(true)
    expect(run({ between: ['12.50', 12, 13] })).toBe(true)
    expect(run({ between: [null, 0, 1] })).toBe(true) // null compares as 0, as in JsonLogic
    expect(run({ between: ['2024-02-29', '2024-01-01', '2024-12-31'] })).toBe(true)
  })

  it('is_empty covers null, "", [] and {} only', () => {
    for (const empty of [null, '', [], {}]) expect(run({ is_empty: [{ var: 'x' }] }, { x: empty })).toBe(true)
    for (const value of [0, false, ' ', [0], { a: 1 }]) {
      expect(run({ is_empty: [{ var: 'x' }] }, { x: value })).toBe(false)
    }
    expect(run({ is_empty: [{ var: 'missing' }] }, {})).toBe(true)
  })

  it('has_any / has_all match tags strictly', () => {
    const data = { tags: ['vip', '中文'] }
    expect(run({ has_any: [{ var: 'tags' }, ['new', 'vip']] }, data)).toBe(true)
    expect(run({ has_any: [{ var: 'tags' }, 'vip'] }, data)).toBe(true)
    expect(run({ has_any: [{ var: 'tags' }, []] }, data)).toBe(false)
    expect(run({ has_all: [{ var: 'tags' }, ['vip', '中文']] }, data)).toBe(true)
    expect(run({ has_all: [{ var: 'tags' }, ['vip', 'new']] }, data)).toBe(false)
    expect(run({ has_all: [{ var: 'tags' }, []] }, data)).toBe(true)
    expect(run({ has_all: [{ var: 'tags' }, []] }, { tags: null })).toBe(false)
    expect(run({ has_any: [{ var: 'tags' }, [1]] }, { tags: ['1'] })).toBe(false)
  })
})

describe('context variables', () => {
  it('reads $-names from the context, own properties only', () => {
    expect(run({ var: '$user.store' }, {}, { user: { store: 'sh-01' } })).toBe('sh-01')
    expect(run({ var: '$user.store' })).toBeNull()
    expect(run({ var: ['$user.store', 'none'] })).toBe('none')
    expect(run({ var: '$user.constructor' }, {}, { user: {} })).toBeNull()
  })

  it('reads Date values as ISO strings, so they order like instants', () => {
    const data = { at: new Date('2024-03-10T06:30:00.000Z') }
    expect(run({ var: 'at' }, data)).toBe('2024-03-10T06:30:00.000Z')
    expect(run({ '<': [{ var: 'at' }, '2024-03-11T00:00:00.000Z'] }, data)).toBe(true)
  })
})

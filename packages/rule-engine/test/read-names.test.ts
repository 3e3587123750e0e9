import { expect, it } from 'vitest'
import { fieldOfName, readNames } from '../src/index.js'

it('lists every name a condition reads, once, with defaults, context variables and computed names', () => {
  const logic = {
    and: [
      { '>=': [{ var: 'total_spent' }, 5000] },
      { '==': [{ var: ['tier', 'C'] }, { var: '$before.tier' }] },
      { in: ['vip', { var: 'tags' }] },
      { '!=': [{ var: 'order.customer' }, null] },
      { var: { cat: ['rfm_', { var: 'which' }] } },
      { '<': [{ var: 'total_spent' }, 9000] },
    ],
  }
  expect([...readNames(logic)]).toEqual([
    'total_spent',
    'tier',
    '$before.tier',
    'tags',
    'order.customer',
    'which',
  ])
  expect([...readNames(true)]).toEqual([])
  expect(fieldOfName('order.customer')).toBe('order')
})

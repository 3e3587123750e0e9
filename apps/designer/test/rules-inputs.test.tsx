// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/react'
import type { AppDefinition } from '@trellis/form-engine'
import type { Rule } from '@trellis/rule-engine'
import { afterEach, beforeEach, expect, it } from 'vitest'
import i18n from '../src/i18n'
import { RuleInputs } from '../src/rules/RuleInputs'

const label = (zh: string, en: string) => ({ 'zh-CN': zh, en })
const app: AppDefinition = {
  key: 'crm',
  name: label('客户', 'CRM'),
  forms: [
    { key: 'customers', label: label('客户', 'Customers'), fields: [] },
    { key: 'product_pairs', label: label('商品搭配', 'Product pairs'), fields: [] },
    {
      key: 'order_lines',
      label: label('订单明细', 'Order lines'),
      fields: [{ key: 'quantity', type: 'number', label: label('数量', 'Quantity') }],
    },
  ],
}

/** The CRM cross-sell rule's shape: once per enabled pair, with the last purchase of the pair's product. */
const crossSell = {
  key: 'cross_sell',
  trigger: { kind: 'cron', cron: '0 11 * * *', form: 'customers' },
  each: { form: 'product_pairs', filter: { '==': [{ var: 'enabled' }, true] }, as: 'pair' },
  aggregates: {
    bought: {
      form: 'order_lines',
      via: 'order.customer',
      values: { last: { agg: 'max', field: 'order.ordered_at' }, units: { agg: 'sum', field: 'quantity' } },
    },
  },
  actions: [],
} as unknown as Rule

beforeEach(() => i18n.changeLanguage('zh-CN'))
afterEach(cleanup)

it('shows, in Chinese, which records an each rule runs over and what its aggregates compute', () => {
  render(<RuleInputs app={app} rule={crossSell} />)
  const section = screen.getByRole('region', { name: '规则还会读取' })
  expect(section.querySelector('[data-input="each"]')?.textContent).toBe(
    '对「商品搭配」的每条记录各运行一次，以 $pair 读取。 仅限满足 {"==":[{"var":"enabled"},true]}',
  )
  expect(section.querySelector('[data-input="aggregate:bought"]')?.textContent).toBe(
    '$bought：「订单明细」中的关联记录（经 order.customer）： $bought.last = 最近 / 最大 order.ordered_at; $bought.units = 合计 数量',
  )
})

it('says the same in English, and shows nothing for a rule that reads only its record', async () => {
  await i18n.changeLanguage('en')
  const { container } = render(<RuleInputs app={app} rule={{ ...crossSell, each: undefined } as Rule} />)
  expect(container.querySelector('[data-input="each"]')).toBeNull()
  expect(container.querySelector('[data-input="aggregate:bought"]')?.textContent).toContain(
    '$bought.units = sum of Quantity',
  )
  cleanup()
  const plain = render(
    <RuleInputs app={app} rule={{ ...crossSell, each: undefined, aggregates: undefined } as Rule} />,
  )
  expect(plain.container.textContent).toBe('')
})

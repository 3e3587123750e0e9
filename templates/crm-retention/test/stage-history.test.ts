import { describe, expect, it } from 'vitest'
import { generateDemoData } from '../src/index.js'

describe('the demo stage history', () => {
  const data = generateDemoData({ customers: 400, seed: 11 })
  const opportunities = data.forms.opportunities!
  const changes = data.forms.opportunity_stage_changes!
  const order = ['lead', 'contact', 'demo', 'negotiation', 'won']

  it('walks every opportunity from 线索 to its current stage, one stage at a time, ending when it last changed', () => {
    for (const opportunity of opportunities) {
      const rows = changes.filter((c) => c.values.opportunity === opportunity.id)
      expect(rows[0]!.values).toMatchObject({ from_stage: null, to_stage: 'lead' })
      const last = rows[rows.length - 1]!.values
      expect(last.to_stage).toBe(opportunity.values.stage)
      expect(last.changed_at).toBe(opportunity.values.stage_changed_at)
      for (let i = 1; i < rows.length; i++) {
        const { from_stage, to_stage, days_in_stage, advanced } = rows[i]!.values
        expect(from_stage).toBe(rows[i - 1]!.values.to_stage)
        if (to_stage !== 'lost')
          expect(order.indexOf(to_stage as string)).toBe(order.indexOf(from_stage as string) + 1)
        expect(advanced).toBe(to_stage !== 'lost')
        expect(days_in_stage).toBeGreaterThanOrEqual(0)
      }
    }
  })
})

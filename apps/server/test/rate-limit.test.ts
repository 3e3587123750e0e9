import { beforeAll, expect, it } from 'vitest'
import { useApi } from './support/api.js'
import { describeEachDatabase } from './support/databases.js'
import { shopApp } from './support/shop-app.js'

describeEachDatabase('rate limits on expensive endpoints', (ctx) => {
  const api = useApi(ctx)
  beforeAll(async () => {
    await api.call('POST', '/api/apps', shopApp())
    await api.call('POST', '/api/apps/shop/publish', {})
  })

  it('bulk writes are limited per user, not per address', async () => {
    const bulk = { records: [{ values: { name: 's' } }] }
    const statuses: number[] = []
    for (let i = 0; i < 31; i++)
      statuses.push((await api.call('POST', '/api/apps/shop/forms/stores/records/bulk', bulk)).status)
    expect(statuses.slice(0, 30).every((s) => s === 201)).toBe(true)
    expect(statuses[30]).toBe(429)
    const other = await api.user({ username: 'other_admin', isAdmin: true })
    expect(
      (await api.callAs(other.token, 'POST', '/api/apps/shop/forms/stores/records/bulk', bulk)).status,
    ).toBe(201)
  })
})

import type { FastifyInstance } from 'fastify'

/** An admin and an API token for benchmarks that call the authenticated API, as an integration would. */
export async function adminToken(app: FastifyInstance): Promise<string> {
  const admin = await app.trellis.users.create({
    username: 'bench_admin',
    password: 'bench-password',
    isAdmin: true,
  })
  const token = await app.trellis.users.createToken(admin.id, {
    name: 'bench',
    scopes: ['records:read', 'records:write'],
  })
  return token.token
}

import { request, setCsrfToken } from './client'

export interface User {
  id: string
  username: string
  displayName?: string
  isAdmin: boolean
}

export const authApi = {
  /** The logged-in user, or null when nobody is. */
  async me(): Promise<User | null> {
    const answer = await request<{ user: User | null; csrfToken?: string }>('GET', '/api/auth/me')
    setCsrfToken(answer.csrfToken)
    return answer.user
  },
  async login(username: string, password: string): Promise<User> {
    const answer = await request<{ user: User; csrfToken: string }>('POST', '/api/auth/login', {
      username,
      password,
    })
    setCsrfToken(answer.csrfToken)
    return answer.user
  },
  async logout(): Promise<void> {
    await request<void>('POST', '/api/auth/logout')
    setCsrfToken(undefined)
  },
}

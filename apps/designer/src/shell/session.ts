import { useEffect, useState } from 'react'
import { authApi, type User } from '../api/auth'
import { ApiError, onUnauthenticated } from '../api/client'

export type Session =
  | { state: 'checking' }
  | { state: 'anonymous' }
  | { state: 'signed-in'; user: User }
  | { state: 'error'; message: string }

/** Who is using the designer: asked of the server once, then kept in step with login, logout and 401s. */
export function useSession() {
  const [session, setSession] = useState<Session>({ state: 'checking' })

  useEffect(() => {
    let cancelled = false
    authApi.me().then(
      (user) => !cancelled && setSession(user ? { state: 'signed-in', user } : { state: 'anonymous' }),
      (error: Error) => {
        if (cancelled) return
        if (error instanceof ApiError && error.status === 401) setSession({ state: 'anonymous' })
        else setSession({ state: 'error', message: error.message })
      },
    )
    const stop = onUnauthenticated(() => setSession({ state: 'anonymous' }))
    return () => {
      cancelled = true
      stop()
    }
  }, [])

  return {
    session,
    signedIn: (user: User) => setSession({ state: 'signed-in', user }),
    logout: async () => {
      await authApi.logout().catch(() => undefined)
      setSession({ state: 'anonymous' })
    },
  }
}

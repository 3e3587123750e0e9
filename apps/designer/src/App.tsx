import { lazy, Suspense } from 'react'
import { AppList } from './apps/AppList'
import { AppBuilder } from './builder/AppBuilder'
import { useRoute } from './router'
import { Header } from './shell/Header'
import { LoginPage } from './shell/LoginPage'
import { useSession } from './shell/session'
import styles from './shell/shell.module.css'
import { Notice } from './ui/Notice'

// The workspace is what end users open; designers may never load it, so it is its own chunk.
const Workspace = lazy(() => import('./workspace/Workspace'))

/** The shell: a header over the login page until the server knows who is here, then over one page. */
export function App() {
  const route = useRoute()
  const { session, signedIn, logout } = useSession()
  return (
    <div className={styles.shell}>
      <Header user={session.state === 'signed-in' ? session.user : undefined} onLogout={logout} />
      <main className={styles.main}>
        {session.state === 'anonymous' && <LoginPage onSignedIn={signedIn} />}
        {session.state === 'error' && (
          <div className={styles.login}>
            <Notice tone="danger">{session.message}</Notice>
          </div>
        )}
        {session.state === 'signed-in' &&
          (route.page === 'apps' ? (
            <AppList isAdmin={session.user.isAdmin} />
          ) : route.page === 'builder' ? (
            <AppBuilder key={route.app} appKey={route.app} tab={route.tab} />
          ) : (
            <Suspense fallback={null}>
              <Workspace key={route.app} appKey={route.app} view={route.view} rest={route.rest} />
            </Suspense>
          ))}
      </main>
    </div>
  )
}

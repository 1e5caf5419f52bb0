import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, Session, callsPath, dropPrefetched, prefetch, session as sessionApi, setCsrfToken, whenUnauthorized } from './api';
import { BASE, navigate, onLinkClick, useLocation } from './router';
import { SignIn } from './pages/sign-in';
import { CallLog } from './pages/call-log';
import { CallDetailPage } from './pages/call-detail';
import { LiveCalls } from './pages/live-calls';
import { Resources } from './pages/resources';
import { Charts } from './pages/charts';
import './style.css';

// Before the first render: the session, and the call log's page when that is the page opened.
prefetch('session');
if (/^\/console\/(calls)?$/.test(location.pathname)) prefetch(callsPath(new URLSearchParams(location.search).toString()));

const NAV = [
  ['/calls', 'Call log'],
  ['/live', 'Live calls'],
  ['/resources', 'Extensions & numbers'],
  ['/charts', 'Charts'],
] as const;

function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const where = useLocation();

  const adopt = (next: Session | null) => {
    if (!next) dropPrefetched();
    setCsrfToken(next?.csrfToken ?? '');
    setSession(next);
  };
  useEffect(() => {
    whenUnauthorized(() => adopt(null));
    sessionApi.current().then(adopt, () => adopt(null));
  }, []);

  // The page's heading gets focus when the page changes in place, so screen readers announce it; a fresh
  // load keeps the browser's own focus order (the skip link first).
  const shownPath = useRef<string | null>(null);
  useEffect(() => {
    if (!session) return;
    if (shownPath.current !== null && shownPath.current !== where.path)
      document.querySelector<HTMLElement>('main h1')?.focus();
    shownPath.current = where.path;
  }, [where.path, session]);

  if (session === undefined) return <p class="loading">Loading…</p>;
  if (session === null)
    return (
      <SignIn
        onSignedIn={(next) => {
          adopt(next);
          if (where.path === '/' || where.path === '/sign-in') navigate('/calls', true);
        }}
      />
    );

  const switchAccount = async (sid: string) => {
    try {
      adopt(await sessionApi.switchTo(sid));
      navigate('/calls');
    } catch (error) {
      alert((error as ApiError).message);
    }
  };
  const signOut = async () => {
    await sessionApi.signOut().catch(() => undefined);
    adopt(null);
    navigate('/', true);
  };
  // The signed-in account first, then its subaccounts (a subaccount has none: no switcher).
  const accounts = [session.user, ...session.subaccounts.filter((a) => a.sid !== session.user.sid)];

  return (
    <>
      <a class="skip" href="#content">
        Skip to content
      </a>
      <header class="top">
        <span class="brand">Callwright</span>
        <nav aria-label="Console">
          {NAV.map(([path, label]) => (
            <a
              href={BASE + path}
              onClick={onLinkClick}
              aria-current={where.path.startsWith(path) ? 'page' : undefined}
            >
              {label}
            </a>
          ))}
        </nav>
        <div class="account">
          {accounts.length > 1 ? (
            <>
              <label for="account-switch">Account</label>
              <select
                id="account-switch"
                value={session.account.sid}
                onChange={(e) => switchAccount((e.target as HTMLSelectElement).value)}
              >
                {accounts.map((a) => (
                  <option value={a.sid}>
                    {a.friendlyName} ({a.sid.slice(0, 10)}…)
                  </option>
                ))}
              </select>
            </>
          ) : (
            <span title={session.account.sid}>{session.account.friendlyName}</span>
          )}
          <button type="button" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="content" key={session.account.sid}>
        <Page path={where.path} query={where.query} />
      </main>
    </>
  );
}

function Page({ path, query }: { path: string; query: URLSearchParams }) {
  const call = /^\/calls\/(CA[0-9a-f]{32})$/.exec(path);
  if (call) return <CallDetailPage sid={call[1]} />;
  if (path === '/calls' || path === '/' || path === '/sign-in') return <CallLog query={query} />;
  if (path === '/live') return <LiveCalls />;
  if (path === '/resources') return <Resources />;
  if (path === '/charts') return <Charts />;
  return (
    <section>
      <h1 tabIndex={-1}>Not found</h1>
      <p>There is no console page at {path}.</p>
    </section>
  );
}

render(<App />, document.getElementById('app')!);

import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { checkSession, signIn, signOut, signedIn } from './api';
import { href, navigate, route } from './router';
import { liveConnected, notices, startLive, stopLive } from './live';
import { ErrorBox } from './components/common';
import { SearchPage } from './pages/search-page';
import { PostureDashboard } from './pages/posture';
import { DashboardList, UserDashboard } from './pages/dashboards-page';
import { CertificatesPage, PoliciesPage, ThingsPage } from './pages/fleet-page';
import { ThingPage } from './pages/thing-page';
import { DetectPage } from './pages/detect-page';
import { AuditPage } from './pages/audit-page';
import { StreamsPage } from './pages/streams-page';
import { AlertHistoryPage, AlertsPage } from './pages/alerts-page';
import { PlaybooksPage } from './pages/playbooks-page';
import './styles.css';

const SECTIONS = [
  ['/search', 'Search'],
  ['/dashboards', 'Dashboards'],
  ['/fleet', 'Fleet'],
  ['/detect', 'Detect'],
  ['/alerts', 'Alerts'],
  ['/playbooks', 'Playbooks'],
  ['/audit', 'Audit'],
  ['/streams', 'Streams'],
] as const;

function SignIn() {
  const [token, setToken] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  return (
    <main class="signin" id="main">
      <h1>Vigil</h1>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(undefined);
          try {
            await signIn({ token: token.trim() });
          } catch (err) {
            setError(err);
          } finally {
            setBusy(false);
          }
        }}
      >
        <label for="token">API token</label>
        <input id="token" type="password" autocomplete="current-password" required value={token} onInput={(e) => setToken((e.target as HTMLInputElement).value)} aria-describedby="token-help" />
        <p id="token-help" class="muted">
          The admin token is in <code>&lt;data_dir&gt;/secrets/admin-token</code>. It is exchanged for a session cookie; it is not stored in the browser.
        </p>
        <button type="submit" class="primary" disabled={busy}>
          Sign in
        </button>
        <ErrorBox error={error} />
      </form>
    </main>
  );
}

function Page() {
  const { path } = route.value;
  const parts = path.split('/').filter((p) => p !== '').map(decodeURIComponent);
  const [section, second, third] = parts;
  switch (section) {
    case undefined:
    case 'search':
      return <SearchPage />;
    case 'dashboards':
      if (second === undefined) return <DashboardList />;
      return second === 'posture' ? <PostureDashboard /> : <UserDashboard id={second} key={second} />;
    case 'fleet':
      if (second === 'things' && third !== undefined) return <ThingPage name={third} key={third} />;
      if (second === 'certificates') return <CertificatesPage />;
      if (second === 'policies') return <PoliciesPage />;
      return <ThingsPage />;
    case 'detect':
      return <DetectPage />;
    case 'alerts':
      return second === undefined ? <AlertsPage /> : <AlertHistoryPage name={second} key={second} />;
    case 'playbooks':
      return <PlaybooksPage />;
    case 'audit':
      return <AuditPage />;
    case 'streams':
      return <StreamsPage />;
    default:
      return (
        <section>
          <h1>Not found</h1>
          <p>
            No console page at {path}. <a {...href('/search')}>Go to search</a>
          </p>
        </section>
      );
  }
}

function Shell() {
  const section = `/${route.value.path.split('/')[1] ?? ''}`;
  useEffect(() => {
    startLive();
    return stopLive;
  }, []);
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <a class="brand" {...href('/search')}>
          Vigil
        </a>
        <nav aria-label="Console">
          {SECTIONS.map(([to, label]) => (
            <a key={to} {...href(to)} aria-current={section === to || (section === '/' && to === '/search') ? 'page' : undefined}>
              {label}
            </a>
          ))}
        </nav>
        <span class={`live ${liveConnected.value ? 'on' : 'off'}`} title={liveConnected.value ? 'live updates connected' : 'live updates disconnected'}>
          {liveConnected.value ? '● live' : '○ offline'}
        </span>
        <button type="button" onClick={() => void signOut().then(() => navigate('/', true))}>
          Sign out
        </button>
      </header>
      <div class="notices" aria-live="polite" role="log" aria-label="Live updates">
        {notices.value.map((n) => (
          <p key={n.id} class={`notice notice-${n.type}`}>
            {n.text}
          </p>
        ))}
      </div>
      <main id="main" tabIndex={-1}>
        <Page />
      </main>
    </>
  );
}

function App() {
  useEffect(() => {
    const ticket = new URLSearchParams(location.search).get('ticket');
    if (ticket !== null) {
      void signIn({ ticket }).then(
        () => navigate('/search', true),
        () => {
          signedIn.value = 'no';
          navigate('/', true);
        },
      );
    } else void checkSession();
  }, []);
  if (signedIn.value === 'unknown') return <progress aria-label="checking session" />;
  if (signedIn.value === 'no') return <SignIn />;
  return <Shell />;
}

render(<App />, document.getElementById('app') as HTMLElement);

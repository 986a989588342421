import { signal } from '@preact/signals';

const BASE = '/ui';

function current(): { path: string; query: URLSearchParams } {
  const path = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) || '/' : '/';
  return { path: path === '' ? '/' : path, query: new URLSearchParams(location.search) };
}

/** The console's location below /ui (path routing; the API serves the shell for every /ui/* path). */
export const route = signal(current());

export function navigate(to: string, replace = false): void {
  const url = `${BASE}${to.startsWith('/') ? to : `/${to}`}`;
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  route.value = current();
}

/** Updates the query string of the current page (shareable URLs) without a new history entry. */
export function setQuery(params: Record<string, string | undefined>): void {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') query.set(k, v);
  const text = query.toString();
  history.replaceState(null, '', `${location.pathname}${text === '' ? '' : `?${text}`}`);
}

addEventListener('popstate', () => {
  route.value = current();
});

/** A link inside the console (keeps client-side navigation, stays a real link for the keyboard). */
export function href(to: string): { href: string; onClick: (event: MouseEvent) => void } {
  return {
    href: `${BASE}${to}`,
    onClick: (event: MouseEvent) => {
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
      event.preventDefault();
      navigate(to);
    },
  };
}

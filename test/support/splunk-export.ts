/** Runs SPL through Splunk's REST export endpoint (output_mode=json: one `{"result": row}` per line) and returns the rows. */
export async function exportSearch(api: string, token: string, query: string): Promise<Array<Record<string, unknown>>> {
  const response = await fetch(new URL('/services/search/jobs/export', api), {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ search: `search ${query}`, output_mode: 'json' }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`export ${response.status}: ${text}`);
  return text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as { result?: Record<string, unknown> }).flatMap((l) => (l.result === undefined ? [] : [l.result]));
}

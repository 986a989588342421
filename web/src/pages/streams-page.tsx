import { useEffect, useState } from 'preact/hooks';
import { api, enc } from '../api';
import { streamsHealth, type StreamHealth } from '../aws';
import { streamHealth } from '../live';
import { Empty, ErrorBox } from '../components/common';
import { StreamTable } from './posture';

export function StreamsPage() {
  const [streams, setStreams] = useState<StreamHealth[] | undefined>();
  const [error, setError] = useState<unknown>();
  const [message, setMessage] = useState('');
  const live = streamHealth.value;
  const load = (): void => void streamsHealth().then(setStreams, setError);
  useEffect(load, [live]);
  const replay = async (name: string): Promise<void> => {
    try {
      const r = await api<{ objects: number; records: number }>('POST', `/api/v1/streams/${enc(name)}/replay`);
      setMessage(`${name}: re-put ${r.records} records from ${r.objects} backup objects`);
      load();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <section aria-labelledby="streams-title">
      <h1 id="streams-title">Delivery streams</h1>
      {message === '' ? null : <p role="status" class="ok">{message}</p>}
      <ErrorBox error={error} />
      {streams !== undefined && streams.length === 0 ? <Empty title="No delivery streams">Create one with `vigil stream create` or `vigil apply`.</Empty> : null}
      {streams !== undefined && streams.length > 0 ? (
        <>
          <StreamTable streams={streams} />
          <h2>Backups</h2>
          <ul class="cards">
            {streams.map((s) => {
              const backed = (s.status?.['backedUpRecords'] as Record<string, number> | undefined) ?? {};
              const total = Object.values(backed).reduce((a, b) => a + b, 0);
              return (
                <li key={s.name}>
                  <strong>{s.name}</strong> <span class="muted">{total} records in backup ({Object.entries(backed).map(([k, v]) => `${k}: ${v}`).join(', ') || 'none'})</span>{' '}
                  <button type="button" onClick={() => void replay(s.name)} disabled={total === 0}>
                    Replay failed records
                  </button>
                </li>
              );
            })}
          </ul>
        </>
      ) : null}
    </section>
  );
}

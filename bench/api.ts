/**
 * API request cost: the same authenticated route (`GET /metrics`) with a bearer token and with an
 * AWS SigV4 signature (pre-signed, so only the server's verification is measured), beside the
 * unauthenticated `/health`, over real loopback HTTP. Run: `npm run bench -- api`.
 */
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { startTestVigil } from '../test/support/vigil.js';
import { fmt, median, perSecond, type BenchContext, type BenchReport } from './types.js';

const REQUESTS = 4000;
const CONCURRENCY = 16;

async function load(url: string, headers: Record<string, string>): Promise<number> {
  let next = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < REQUESTS) {
      next++;
      const response = await fetch(url, { headers });
      if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
      await response.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return perSecond(REQUESTS, performance.now() - started);
}

export default async function api(context: BenchContext): Promise<BenchReport> {
  const vigil = await startTestVigil({ log: { level: 'error' } });
  try {
    const base = vigil.running.endpoints['api'] as string;
    const key = await vigil.client.accessKeys.create('bench');
    const url = new URL(`${base}/metrics`);
    const signer = new SignatureV4({ credentials: key, region: 'local', service: 'iot', sha256: Hash.bind(null, 'sha256') });
    const signed = await signer.sign(new HttpRequest({ method: 'GET', hostname: url.hostname, port: Number(url.port), path: url.pathname, headers: { host: url.host } }));
    const sigv4Headers = { ...signed.headers } as Record<string, string>;
    delete sigv4Headers['host'];
    const cases: Array<[string, string, Record<string, string>]> = [
      ['GET /health (no auth)', `${base}/health`, {}],
      ['GET /metrics, Bearer token', `${base}/metrics`, { authorization: `Bearer ${vigil.adminToken}` }],
      ['GET /metrics, SigV4', `${base}/metrics`, sigv4Headers],
    ];
    const results = new Map<string, number[]>();
    // Interleave the cases run by run so that machine noise hits all of them alike.
    for (let run = 0; run < 5; run++) {
      for (const [name, target, headers] of cases) {
        context.progress(`run ${run + 1}/5: ${name}`);
        const rate = await load(target, headers);
        if (run > 0) results.set(name, [...(results.get(name) ?? []), rate]);
      }
    }
    const bearer = median(results.get('GET /metrics, Bearer token') ?? []);
    return {
      columns: ['case', 'requests/s (median of 4 runs)', 'vs Bearer'],
      rows: cases.map(([name]) => {
        const value = median(results.get(name) ?? []);
        return [name, fmt(value), `${fmt(value / bearer, 2)}×`];
      }),
      notes: [`${REQUESTS} requests per run, ${CONCURRENCY} concurrent, client and server in one process over loopback HTTP; the first run of each case is a warm-up.`],
    };
  } finally {
    await vigil.stop();
  }
}

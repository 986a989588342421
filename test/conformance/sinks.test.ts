import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { fileSink, httpSink, splunkHecSink } from './sinks-kinds.js';
import { FaultHec } from '../support/fault-hec.js';
import { tempDir } from '../support/temp.js';
import { startTestVigil, type TestVigil } from '../support/vigil.js';
import { sinkConformance, type SinkHarness } from './sinks.suite.js';

const idOf = (value: unknown): number => (value as { event: { id: number } }).event.id;

function faultHecHarness(name: string, extra: Record<string, unknown>, options: ConstructorParameters<typeof FaultHec>[0] = {}): SinkHarness {
  let hec: FaultHec | undefined;
  return {
    name,
    kind: splunkHecSink,
    async start() {
      hec = new FaultHec(options);
      await hec.start();
      return { type: 'splunk-hec', endpoint: hec.url, token: hec.token, ackPollIntervalMs: 20, ackTimeoutSecs: 5, requestTimeoutSecs: 5, ...extra };
    },
    async receivedIds() {
      return (hec as FaultHec).received.map((e) => (typeof e === 'string' ? idOf(JSON.parse(e)) : idOf(e)));
    },
    async breakDestination() {
      await hec?.stop();
    },
    async stop() {
      await hec?.stop();
    },
  };
}

/** Vigil's own HEC receiver (src/siem), with an ack-enabled token; events are read back with SPL. */
function vigilHecHarness(): SinkHarness {
  let vigil: TestVigil | undefined;
  return {
    name: 'splunk-hec → Vigil\'s own HEC receiver',
    kind: splunkHecSink,
    async start() {
      vigil = await startTestVigil({ log: { level: 'warn' }, hec: { listen: '127.0.0.1:0' } });
      await vigil.running.siem.createIndex('conformance').catch(() => undefined);
      const token = await vigil.running.siem.createToken({ name: `conformance-${Date.now()}`, useAck: true, index: 'conformance', indexes: ['conformance'] });
      return { type: 'splunk-hec', endpoint: vigil.running.endpoints['hec'] as string, token: token.token, ackPollIntervalMs: 20, ackTimeoutSecs: 10, requestTimeoutSecs: 5 };
    },
    async receivedIds() {
      const result = await (vigil as TestVigil).running.siem.search({ query: 'search index=conformance | table _raw', earliest: '0', latest: 'now', maxRows: 100_000 });
      return result.rows.map((r) => (JSON.parse(String(r['_raw'])) as { id: number }).id).sort((a, b) => a - b);
    },
    async breakDestination() {
      await vigil?.stop();
    },
    async stop() {
      await vigil?.stop();
      vigil = undefined;
    },
  };
}

function httpHarness(): SinkHarness {
  let server: http.Server | undefined;
  const received: number[] = [];
  return {
    name: 'http (Firehose HTTP endpoint protocol)',
    kind: httpSink,
    async start() {
      received.length = 0;
      server = http.createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (c: Buffer) => chunks.push(c));
        request.on('end', () => {
          let body = Buffer.concat(chunks);
          if (request.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
          const document = JSON.parse(body.toString('utf8')) as { requestId: string; timestamp: number; records: Array<{ data: string }> };
          if (request.headers['x-amz-firehose-request-id'] !== document.requestId || request.headers['x-amz-firehose-access-key'] !== 'secret-key') {
            response.writeHead(400).end(JSON.stringify({ requestId: document.requestId, timestamp: Date.now(), errorMessage: 'bad request' }));
            return;
          }
          for (const r of document.records) received.push(idOf(JSON.parse(Buffer.from(r.data, 'base64').toString('utf8'))));
          response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ requestId: document.requestId, timestamp: Date.now() }));
        });
      });
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      return { type: 'http', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/firehose`, accessKey: 'secret-key', gzip: true, requestTimeoutSecs: 5 };
    },
    async receivedIds() {
      return [...received];
    },
    async breakDestination() {
      server?.closeAllConnections();
      await new Promise((r) => server?.close(r));
    },
    async stop() {
      server?.closeAllConnections();
      await new Promise((r) => (server?.listening === true ? server.close(r) : r(undefined)));
    },
  };
}

function fileHarness(): SinkHarness {
  let dir: { path: string; remove(): void } | undefined;
  const files = (root: string): string[] =>
    readdirSync(root, { recursive: true, encoding: 'utf8' }).map((f) => join(root, f)).filter((f) => statSync(f).isFile()).sort();
  return {
    name: 'file (NDJSON, Firehose key layout)',
    kind: fileSink,
    async start() {
      dir = tempDir('vigil-file-sink-');
      return { type: 'file', dir: join(dir.path, 'out') };
    },
    async receivedIds() {
      const root = join((dir as { path: string }).path, 'out');
      const lines = files(root).flatMap((f) => readFileSync(f, 'utf8').split('\n').filter((l) => l !== ''));
      return lines.map((l) => idOf(JSON.parse(l)));
    },
    async breakDestination() {
      const root = join((dir as { path: string }).path, 'out');
      if (existsSync(root)) rmSync(root, { recursive: true });
      writeFileSync(root, 'not a directory');
    },
    async stop() {
      dir?.remove();
    },
  };
}

sinkConformance(faultHecHarness('splunk-hec (event, ack) → fault HEC', {}));
sinkConformance(faultHecHarness('splunk-hec (raw, gzip, ack) → fault HEC', { endpointType: 'Raw', gzip: true }));
sinkConformance(faultHecHarness('splunk-hec (event, no ack) → fault HEC', { ack: false }, { useAck: false }));
sinkConformance(vigilHecHarness());
sinkConformance(httpHarness());
sinkConformance(fileHarness());

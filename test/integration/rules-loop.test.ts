import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestVigil, type TestVigil } from '../support/vigil.js';

/**
 * A rule that republishes to a topic its own FROM filter selects (directly, through its errorAction,
 * or through another rule) would circle forever; with a growing topic or an errorAction wrapping the
 * payload in base64 each round, it also grows without bound (the fuzz suite found one that took the
 * process past 3 GB). Through the real broker: the loop ends after `rules.max_republish_hops`.
 */

let vigil: TestVigil;
let api: string;
let headers: Record<string, string>;

beforeAll(async () => {
  vigil = await startTestVigil({ log: { level: 'error' }, rules: { max_republish_hops: 3 } });
  api = vigil.running.endpoints['api'] as string;
  headers = { authorization: `Bearer ${vigil.adminToken}`, 'content-type': 'application/json' };
});
afterAll(async () => vigil?.stop());

async function createRule(name: string, body: unknown): Promise<void> {
  const response = await fetch(`${api}/rules/${name}`, { method: 'POST', headers, body: JSON.stringify(body) });
  expect(response.status, await response.text()).toBe(200);
}

/** Publishes as Vigil would and waits for every rule run it causes, failing after 15 s instead of hanging. */
async function publishAndSettle(topic: string, payload: string): Promise<void> {
  await vigil.running.ingress.publisher.publish(topic, Buffer.from(payload), { qos: 0 });
  let timer: NodeJS.Timeout | undefined;
  const settled = (async () => {
    // A message the broker is still routing is not pending yet: settle until two rounds in a row find nothing.
    for (let quiet = 0; quiet < 2; ) {
      await new Promise((r) => setTimeout(r, 20));
      const before = vigil.running.telemetry.counter('rule_matched');
      await vigil.running.ingress.settled();
      quiet = vigil.running.telemetry.counter('rule_matched') === before ? quiet + 1 : 0;
    }
  })();
  const timeout = new Promise<never>((_r, reject) => (timer = setTimeout(() => reject(new Error('the rule loop is still running after 15 s')), 15_000)));
  try {
    await Promise.race([settled, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const limitHits = () => vigil.running.telemetry.counter('limit_hit', { component: 'rules', limit: 'rules.max_republish_hops' });
const matched = (rule: string) => vigil.running.telemetry.counter('rule_matched', { rule });

describe('a rule loop ends after rules.max_republish_hops', () => {
  it('stops a rule that republishes to its own filter, with a growing topic and an errorAction that also loops', async () => {
    await createRule('Loop', { sql: "SELECT * FROM 'loop/#'", actions: [{ republish: { topic: 'loop/${topic()}' } }, { firehose: { deliveryStreamName: 'no-such-stream' } }], errorAction: { republish: { topic: 'loop/errors' } } });
    const hitsBefore = limitHits();
    await publishAndSettle('loop/start', '{"n":1}');
    // Each run makes two messages (the republish and, the firehose action failing, an error message): hops 0-3 are
    // 1 + 2 + 4 + 8 runs; at hop 3 the republishes are refused but the error messages go one hop further (8 more runs),
    // whose republishes and error messages are both refused: 8 + 16 refusals.
    expect(matched('Loop')).toBe(1 + 2 + 4 + 8 + 8);
    expect(limitHits() - hitsBefore).toBe(8 + 16);
    expect((await fetch(`${api}/health`)).status).toBe(200);
    expect((await fetch(`${api}/rules/Loop`, { method: 'DELETE', headers })).status).toBe(200);
    // A deleted rule's per-rule series leaves /metrics (100,000 fuzzed rules must not grow it).
    expect(matched('Loop')).toBe(0);
    const metrics = await (await fetch(`${api}/metrics`, { headers })).text();
    expect(metrics).toContain('vigil_rule_matched_total');
    expect(metrics).not.toContain('rule="Loop"');
  }, 30_000);

  it('stops a loop through two rules; the errorAction still reports the refusal (one hop further) naming the limit', async () => {
    await createRule('PingA', { sql: "SELECT * FROM 'ping/a'", actions: [{ republish: { topic: 'ping/b' } }] });
    await createRule('PingB', { sql: "SELECT * FROM 'ping/b'", actions: [{ republish: { topic: 'ping/a' } }], errorAction: { republish: { topic: 'ping/errors' } } });
    await createRule('PingErrors', { sql: "SELECT failures[0].errorMessage AS why FROM 'ping/errors' WHERE startswith(failures[0].errorMessage, 'rules.loop_limit') AND failures[0].failedAction = 'RepublishAction'", actions: [{ republish: { topic: 'ping/errors' } }] });
    const hitsBefore = limitHits();
    await publishAndSettle('ping/a', '{"n":1}');
    // Hops: a (0) → b (1) → a (2) → b (3) → PingB's republish (hop 4) refused; its error message (hop 4) reaches PingErrors, whose own republish (hop 5) is refused.
    expect([matched('PingA'), matched('PingB'), matched('PingErrors')]).toEqual([2, 2, 1]);
    expect(limitHits() - hitsBefore).toBe(2);
  }, 30_000);

  it('stops a rule that republishes to its own basic-ingest topic ($aws/rules/<name>)', async () => {
    await createRule('SelfIngest', { sql: "SELECT * FROM 'never/matched'", actions: [{ republish: { topic: '$aws/rules/SelfIngest/again' } }] });
    const hitsBefore = limitHits();
    await publishAndSettle('$aws/rules/SelfIngest', '{"n":1}');
    // Hops 0-3 run the rule; the fourth republish (hop 4) is refused.
    expect(matched('SelfIngest')).toBe(4);
    expect(limitHits() - hitsBefore).toBe(1);
  }, 30_000);

  it('does not limit messages devices send: a thousand publishes on the same topic each run the rule once', async () => {
    await createRule('Count', { sql: "SELECT * FROM 'count/+'", actions: [{ republish: { topic: 'counted/x' } }] });
    for (let n = 0; n < 1000; n++) await vigil.running.ingress.publisher.publish('count/a', Buffer.from('{"same":true}'), { qos: 0 });
    await publishAndSettle('count/b', '{"same":true}');
    expect(matched('Count')).toBe(1001);
  }, 60_000);
});

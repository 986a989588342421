/**
 * `npm run test:fuzz:spl -- [--cases 100000] [--seed N] [--concurrency 2]`: the SPL search property
 * at nightly size. Starts a real Vigil with the demo corpus, sends the generated searches through
 * its HTTP APIs and prints the reply statuses; exits 1 when any reply is a 5xx (each printed).
 */
import { runSplFuzz, startFuzzTarget } from './spl-fuzz-run.js';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} takes a positive integer`);
  return value;
}

const cases = option('cases', 100_000);
const seed = option('seed', Date.now() % 2_147_483_647);
const target = await startFuzzTarget();
try {
  const report = await runSplFuzz(target, { cases, seed, concurrency: option('concurrency', 2), progress: (n, statuses, fiveHundreds) => process.stderr.write(`${n}/${cases} ${JSON.stringify(statuses)} 5xx=${fiveHundreds}\n`) });
  process.stdout.write(`${JSON.stringify({ surface: 'spl', seed, cases: report.cases, seconds: Math.round(report.seconds), statuses: report.statuses, fiveHundreds: report.failures.length })}\n`);
  for (const f of report.failures) process.stdout.write(`${JSON.stringify(f)}\n`);
  process.exitCode = report.failures.length > 0 ? 1 : 0;
} finally {
  await target.stop();
}

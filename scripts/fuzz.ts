/**
 * `npm run test:fuzz -- [--cases N] [--seed S] [--minutes M] [--memlog FILE] [--surface NAME…]`: runs the fuzz suites in
 * `test/fuzz/` (all, or the named surfaces: hec, reports, rule-sql, policy, routes, spl) with N
 * generated cases per surface and seed S (at most M minutes per surface: then the cases done are
 * reported), with a progress line a minute, and prints each surface's summary line
 * (cases, 5xx, problems, memory levels). `--memlog FILE` appends each memory sample (taken after GC,
 * every twentieth of the cases) with V8's spaces and /proc/self/smaps_rollup to FILE as JSON lines.
 * `npm test` runs the same suites with a quick slice.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
let cases = '10000';
let seed = String(Date.now() % 2_147_483_647);
let minutes: string | undefined;
let memlog: string | undefined;
const surfaces: string[] = [];
for (let i = 0; i < args.length; i++) {
  const arg = args[i] as string;
  const value = args[i + 1];
  if (arg === '--cases' && value !== undefined) (cases = value), i++;
  else if (arg === '--seed' && value !== undefined) (seed = value), i++;
  else if (arg === '--surface' && value !== undefined) surfaces.push(value), i++;
  else if (arg === '--minutes' && value !== undefined) (minutes = value), i++;
  else if (arg === '--memlog' && value !== undefined) (memlog = resolve(value)), i++;
  else if (arg === '--help' || arg === '-h') {
    process.stdout.write('usage: npm run test:fuzz -- [--cases N] [--seed S] [--minutes M] [--memlog FILE] [--surface hec|reports|rule-sql|policy|routes|spl]…\n');
    process.exit(0);
  } else {
    process.stderr.write(`unknown argument ${arg}\n`);
    process.exit(2);
  }
}
if (!/^[1-9][0-9]*$/.test(cases) || !/^[1-9][0-9]*$/.test(seed) || (minutes !== undefined && !/^[1-9][0-9]*$/.test(minutes))) {
  process.stderr.write('--cases, --seed and --minutes take positive integers\n');
  process.exit(2);
}
const files = surfaces.length === 0 ? ['test/fuzz/'] : surfaces.map((s) => `test/fuzz/${s}.test.ts`);
for (const file of files) {
  if (!existsSync(join(root, file))) {
    process.stderr.write(`no fuzz suite ${file}\n`);
    process.exit(2);
  }
}
process.stdout.write(`fuzz: ${cases} cases per surface${minutes === undefined ? '' : ` or ${minutes} min, whichever comes first`}, seed ${seed} (repeat with --seed ${seed})\n`);
// One file at a time: each suite starts its own server, and the box is shared.
const child = spawn(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--no-file-parallelism', ...files], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, VIGIL_FUZZ_CASES: cases, VIGIL_FUZZ_SEED: seed, ...(minutes === undefined ? {} : { VIGIL_FUZZ_MINUTES: minutes }), ...(memlog === undefined ? {} : { VIGIL_FUZZ_MEMLOG: memlog }) },
});
child.on('exit', (code) => process.exit(code ?? 1));

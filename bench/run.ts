/**
 * `npm run bench -- NAME [ARGS…]`: runs `bench/NAME.ts`, prints its table, and replaces that
 * benchmark's section of `bench/RESULTS.md` with the table, the date, the machine and the command.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchContext, BenchReport, Benchmark } from './types.js';

const here = dirname(fileURLToPath(import.meta.url));
const RESULTS = join(here, 'RESULTS.md');

function available(): string[] {
  return readdirSync(here)
    .filter((f) => f.endsWith('.ts') && !['run.ts', 'types.ts'].includes(f) && !f.endsWith('.test.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
}

export function renderTable(report: BenchReport): string {
  const header = `| ${report.columns.join(' | ')} |`;
  const rule = `| ${report.columns.map(() => '---').join(' | ')} |`;
  const body = report.rows.map((row) => `| ${row.map(String).join(' | ')} |`);
  return [header, rule, ...body].join('\n');
}

export function machine(): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `${cpu}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}-${process.arch}`;
}

/** Replaces (or appends) the `## name` section of RESULTS.md. */
export function updateResults(text: string, name: string, section: string): string {
  const heading = `## ${name}\n`;
  const start = text.indexOf(heading);
  if (start < 0) return `${text.trimEnd()}\n\n${section.trimEnd()}\n`;
  const next = text.indexOf('\n## ', start + heading.length);
  const end = next < 0 ? text.length : next + 1;
  return `${text.slice(0, start)}${section.trimEnd()}\n${next < 0 ? '' : '\n'}${text.slice(end).replace(/^\n+/, '')}`;
}

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  if (name === undefined || name === '--help' || name === '-h') {
    process.stdout.write(`usage: npm run bench -- NAME [ARGS…]\nbenchmarks: ${available().join(', ')}\n`);
    process.exitCode = name === undefined ? 2 : 0;
    return;
  }
  const file = join(here, `${name}.ts`);
  if (!existsSync(file)) {
    process.stderr.write(`no benchmark named "${name}"; available: ${available().join(', ')}\n`);
    process.exitCode = 2;
    return;
  }
  const module = (await import(pathToFileURL(file).href)) as { default: Benchmark };
  const context: BenchContext = {
    args,
    progress: (message) => process.stderr.write(`[${name}] ${message}\n`),
    async repeat(runs, fn, warmup = 1) {
      for (let i = 0; i < warmup; i++) await fn(-1 - i);
      const results = [];
      for (let i = 0; i < runs; i++) results.push(await fn(i));
      return results;
    },
  };
  const report = await module.default(context);
  const table = renderTable(report);
  const command = `npm run bench -- ${[name, ...args].join(' ')}`;
  const date = new Date().toISOString().slice(0, 10);
  const notes = (report.notes ?? []).map((n) => `- ${n}`).join('\n');
  const section = [`## ${name}`, '', `${date} · ${machine()} · \`${command}\``, '', table, '', notes].join('\n');
  process.stdout.write(`${table}\n${notes === '' ? '' : `\n${notes}\n`}`);
  const existing = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : '# Benchmark results\n\nEach section is written by `npm run bench -- NAME`; figures are medians of several runs on a shared, noisy machine, so compare ratios within one run rather than absolute numbers across runs.\n';
  writeFileSync(RESULTS, updateResults(existing, name, section));
  process.stderr.write(`updated ${RESULTS}\n`);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 70;
  });
}

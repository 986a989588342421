/**
 * `npx tsx scripts/cpuprofile-summary.ts FILE.cpuprofile [N]`: where a V8 CPU profile (`node
 * --cpu-prof`, e.g. from `npm run bench -- e2e --cpu-prof DIR`) spent its time: self time by
 * function and by file or package, and inclusive time by function (each function counted once per
 * stack), as shares of the whole profile.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const [file, top = '40'] = process.argv.slice(2);
if (file === undefined) {
  process.stderr.write('usage: tsx scripts/cpuprofile-summary.ts FILE.cpuprofile [N]\n');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  self.set(id, (self.get(id) ?? 0) + dt);
  total += dt;
});

const where = (url: string): string => url.replace(/^file:\/\//, '').replace(/.*node_modules\//, 'node_modules/').replace(/.*\/(src|dist)\//, '$1/');
const label = (n: ProfileNode): string => `${n.callFrame.functionName || '(anonymous)'} ${where(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
const add = (map: Map<string, number>, key: string, t: number): void => void map.set(key, (map.get(key) ?? 0) + t);

const byFunction = new Map<string, number>();
const byFile = new Map<string, number>();
for (const [id, t] of self) {
  const node = byId.get(id) as ProfileNode;
  add(byFunction, label(node), t);
  const url = where(node.callFrame.url);
  const pkg = url.startsWith('node_modules/@') ? url.split('/').slice(0, 3).join('/') : url.startsWith('node_modules/') ? url.split('/').slice(0, 2).join('/') : url;
  add(byFile, pkg === '' ? node.callFrame.functionName : pkg, t);
}

const inclusive = new Map<string, number>();
const walk = (id: number, stack: readonly string[]): void => {
  const node = byId.get(id) as ProfileNode;
  const key = label(node);
  const here = stack.includes(key) ? stack : [...stack, key];
  const t = self.get(id) ?? 0;
  if (t > 0) for (const k of here) add(inclusive, k, t);
  for (const child of node.children ?? []) walk(child, here);
};
const root = profile.nodes[0];
if (root !== undefined) walk(root.id, []);

const show = (title: string, map: Map<string, number>): void => {
  process.stdout.write(`== ${title} (of ${(total / 1e6).toFixed(1)} s)\n`);
  for (const [key, t] of [...map].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) process.stdout.write(`${((100 * t) / total).toFixed(1).padStart(5)}%  ${key}\n`);
};
show('self time by file or package', byFile);
show('self time by function', byFunction);
show('inclusive time by function', inclusive);

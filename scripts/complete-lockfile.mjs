#!/usr/bin/env node
// Adds lockfile entries for optional platform packages that this machine's registry mirror does
// not serve (npm then leaves them out of package-lock.json, and `npm ci` refuses the lock as out of
// sync on every machine). Each entry gets the version its parent asks for and the os/cpu/libc its
// name states, so npm installs it only where it belongs. Run after `npm install`.
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const packages = lock.packages;
const OS = { darwin: 'darwin', linux: 'linux', win32: 'win32', freebsd: 'freebsd', android: 'android' };
const CPU = ['x64', 'arm64', 'arm', 'ia32'];
let added = 0;

for (const [location, entry] of Object.entries(packages)) {
  for (const [name, range] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = location === '' ? `node_modules/${name}` : `${location}/node_modules/${name}`;
    if (packages[key] !== undefined || packages[`node_modules/${name}`] !== undefined) continue;
    const parts = name.split('/').pop().split('-');
    const os = parts.find((p) => OS[p] !== undefined);
    const cpu = parts.find((p) => CPU.includes(p));
    if (os === undefined || cpu === undefined) continue;
    const version = String(range).replace(/^[\^~=]/, '');
    const added_entry = { version, cpu: [cpu], optional: true, os: [os] };
    if (parts.includes('musl')) added_entry.libc = ['musl'];
    else if (os === 'linux' && parts.includes('gnu')) added_entry.libc = ['glibc'];
    packages[`node_modules/${name}`] = added_entry;
    added++;
  }
}

const sorted = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
lock.packages = sorted;
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: added ${added} optional platform entr${added === 1 ? 'y' : 'ies'}`);

// Preloaded with `node --import` by tests: appends every package a process imports (ESM resolution
// of a bare specifier) to the file named by VIGIL_TRACE_IMPORTS, one per line.
import { register } from 'node:module';

const out = process.env.VIGIL_TRACE_IMPORTS;
if (out !== undefined && out !== '') {
  register(
    `data:text/javascript,${encodeURIComponent(`
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  if (!/^(\\.|\\/|node:|file:|data:)/.test(specifier)) appendFileSync(${JSON.stringify(out)}, specifier + '\\n');
  return next(specifier, context);
}`)}`,
  );
}

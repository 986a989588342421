// Preloaded with `node --import` by tests: appends every module a process loads through ESM
// resolution (its resolved URL) to the file named by VIGIL_TRACE_IMPORTS, one per line.
import { register } from 'node:module';

const out = process.env.VIGIL_TRACE_IMPORTS;
if (out !== undefined && out !== '') {
  register(
    `data:text/javascript,${encodeURIComponent(`
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  if (!resolved.url.startsWith('node:')) appendFileSync(${JSON.stringify(out)}, resolved.url + '\\n');
  return resolved;
}`)}`,
  );
}

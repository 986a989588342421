import { stringify } from 'yaml';
import { RESOURCE_KINDS } from './kinds.js';
import { listOrMissing, type ApplyContext, type Spec } from './resource-kind.js';

/**
 * Every resource the server holds, as a resources file that `vigil apply` reproduces. Secrets are
 * never written: HEC token values are generated anew, stream sink secrets become placeholders.
 * Kinds the server has no API for are left out.
 */
export async function exportResources(ctx: ApplyContext): Promise<string> {
  const out: Record<string, unknown> = { version: 1 };
  for (const kind of RESOURCE_KINDS) {
    const specs = await listOrMissing(() => kind.list(ctx));
    if (specs === undefined || specs.length === 0) continue;
    const written = specs.map((spec) => kind.exportSpec?.(spec, ctx) ?? spec);
    if (kind.singleton === true) {
      const { name: _name, ...rest } = written[0] as Spec;
      out[kind.key] = rest;
    } else out[kind.key] = written;
  }
  return `# Vigil resources, written by \`vigil export\`; \`vigil apply -f\` this file to reproduce them.\n${stringify(out, { lineWidth: 0 })}`;
}

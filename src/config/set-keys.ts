import { readFileSync, writeFileSync } from 'node:fs';
import { parseDocument, Scalar } from 'yaml';
import { VigilError } from '../core/index.js';

/**
 * Sets top-level keys of a YAML config file in place (comments and the other keys kept). Returns
 * the keys whose value changed; the file is rewritten only when one did.
 */
export function setConfigKeys(path: string, values: Readonly<Record<string, string>>): string[] {
  const document = parseDocument(readFileSync(path, 'utf8'));
  if (document.errors.length > 0) throw new VigilError('config.invalid', `${path}: not valid YAML: ${document.errors.map((e) => e.message).join('; ')}`);
  const changed = Object.entries(values).filter(([key, value]) => document.get(key) !== value);
  if (changed.length === 0) return [];
  for (const [key, value] of changed) {
    // Quoted, so that an account id stays a string (12 digits would read back as a number).
    const node = document.createNode(value) as Scalar;
    node.type = Scalar.QUOTE_DOUBLE;
    document.set(key, node);
  }
  writeFileSync(path, document.toString());
  return changed.map(([key]) => key);
}

import { asList, asNum, asStr, type Typed } from './relation.js';

/**
 * A comparison between two typed values (`=` `!=` `<` `>` `<=` `>=`), spec C.5: numeric when both
 * sides are numeric, otherwise a case-sensitive string comparison; null makes it null (false in
 * `where`); a multivalue side is true when any of its values compares true.
 */
export function compare(left: Typed, op: string, right: Typed, leftNumLit = false, rightNumLit = false): string {
  if (left.kind === 'mv' || right.kind === 'mv') {
    const [list, other, flipped] = left.kind === 'mv' ? [left, right, false] : [right, left, true];
    const x: Typed = { sql: 'x', kind: 'str' };
    const inner = flipped ? compare(other, op, x) : compare(x, op, other);
    return `(len(list_filter(${asList(list)}, x -> ${inner})) > 0)`;
  }
  if (left.kind === 'null' || right.kind === 'null') return 'CAST(NULL AS BOOLEAN)';
  // A boolean compares with a boolean as one; with anything else as its text (true/false).
  if (left.kind === 'bool' && right.kind === 'bool') return `(${left.sql} ${op === '!=' ? '<>' : op} ${right.sql})`;
  if (left.kind === 'bool' || right.kind === 'bool') return `(${asStr(left)} ${op === '!=' ? '<>' : op} ${asStr(right)})`;
  const sqlOp = op === '!=' ? '<>' : op;
  if ((left.kind === 'num' || leftNumLit) && (right.kind === 'num' || rightNumLit)) return `(${asNum(left)} ${sqlOp} ${asNum(right)})`;
  if (left.kind === 'num' || leftNumLit) return `(${asNum(left)} ${sqlOp} ${asNum(right)})`;
  if (right.kind === 'num' || rightNumLit) return `(${asNum(left)} ${sqlOp} ${asNum(right)})`;
  if (left.sql.startsWith("'") || right.sql.startsWith("'")) return `(${asStr(left)} ${sqlOp} ${asStr(right)})`;
  return `(CASE WHEN ${asNum(left)} IS NOT NULL AND ${asNum(right)} IS NOT NULL THEN ${asNum(left)} ${sqlOp} ${asNum(right)} ELSE ${asStr(left)} ${sqlOp} ${asStr(right)} END)`;
}

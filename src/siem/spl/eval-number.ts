/**
 * A number literal as a DOUBLE: SPL arithmetic is floating point (`100000*100000` is 10000000000),
 * while a bare SQL integer literal is a 32-bit INTEGER that overflows.
 */
export function numberLiteral(value: number): string {
  if (Number.isNaN(value)) return "CAST('nan' AS DOUBLE)";
  if (!Number.isFinite(value)) return value > 0 ? "CAST('inf' AS DOUBLE)" : "CAST('-inf' AS DOUBLE)";
  return `CAST(${String(value)} AS DOUBLE)`;
}

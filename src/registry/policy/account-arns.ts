import { VigilError } from '../../core/index.js';
import { arns, parseArn } from '../../protocol/index.js';

/** A resource ARN of a policy that names another region or account than this server's. */
export interface ForeignArn {
  /** Where it is: `Statement[0].Resource[1]`. */
  readonly path: string;
  readonly arn: string;
  /** The same ARN with this server's region and account. */
  readonly rewritten: string;
}

/** What the server's ARNs use (config `region` / `account_id`). */
export interface Account {
  readonly region: string;
  readonly accountId: string;
}

/** A region or account field with a wildcard or a variable names no one in particular. */
function isOpen(field: string): boolean {
  return field === '' || field.includes('*') || field.includes('?') || field.includes('${');
}

/**
 * The Resource / NotResource ARNs of a policy document (already validated by compilePolicy) whose
 * region or account is a literal other than this server's: such a statement can never match a
 * request Vigil makes, since every ARN Vigil evaluates carries its own region and account.
 */
export function foreignArns(document: string, account: Account): ForeignArn[] {
  const found: ForeignArn[] = [];
  visitResources(document, (arn, path) => {
    const rewritten = rewrite(arn, account);
    if (rewritten !== arn) found.push({ path, arn, rewritten });
    return arn;
  });
  return found;
}

/** The document with every foreign ARN rewritten to this server's region and account (JSON, 2-space indent). */
export function rewriteForeignArns(document: string, account: Account): { document: string; rewritten: ForeignArn[] } {
  const rewritten: ForeignArn[] = [];
  const parsed = visitResources(document, (arn, path) => {
    const to = rewrite(arn, account);
    if (to !== arn) rewritten.push({ path, arn, rewritten: to });
    return to;
  });
  return { document: rewritten.length === 0 ? document : JSON.stringify(parsed, null, 2), rewritten };
}

/** The error CreatePolicy / CreatePolicyVersion answer for foreign ARNs. */
export function foreignArnError(found: readonly ForeignArn[], account: Account): VigilError {
  const first = found[0] as ForeignArn;
  const more = found.length > 1 ? ` (and ${found.length - 1} more ARN${found.length > 2 ? 's' : ''})` : '';
  return new VigilError(
    'policy.foreign_arn',
    `${first.path} "${first.arn}" names another region or account than this server's (region ${account.region}, account ${account.accountId})${more}: the statement could never match`,
    { hint: `write ${arns(account.region, account.accountId).iot('…')}, rewrite them on create (vigil policy create --rewrite-arns, or ?rewriteArns=true on CreatePolicy/CreatePolicyVersion), or set region/account_id to the source account's (vigil import aws does)` },
  );
}

function rewrite(arn: string, account: Account): string {
  const parsed = parseArn(arn);
  if (parsed === undefined) return arn;
  // IAM and S3 ARNs have no region; S3 none account either: only a literal that differs is foreign.
  const region = parsed.region !== '' && !isOpen(parsed.region) && parsed.region !== account.region ? account.region : parsed.region;
  const accountId = parsed.accountId !== '' && !isOpen(parsed.accountId) && parsed.accountId !== account.accountId ? account.accountId : parsed.accountId;
  if (region === parsed.region && accountId === parsed.accountId) return arn;
  return `arn:${parsed.partition}:${parsed.service}:${region}:${accountId}:${parsed.resource}`;
}

function visitResources(document: string, visit: (arn: string, path: string) => string): unknown {
  const parsed = JSON.parse(document) as Record<string, unknown>;
  const raw = parsed['Statement'];
  const statements = Array.isArray(raw) ? raw : [raw];
  statements.forEach((statement, index) => {
    if (typeof statement !== 'object' || statement === null) return;
    const record = statement as Record<string, unknown>;
    for (const key of ['Resource', 'NotResource']) {
      const value = record[key];
      if (typeof value === 'string') record[key] = visit(value, `Statement[${index}].${key}`);
      else if (Array.isArray(value)) record[key] = value.map((v, i) => (typeof v === 'string' ? visit(v, `Statement[${index}].${key}[${i}]`) : v));
    }
  });
  if (!Array.isArray(raw)) parsed['Statement'] = statements[0];
  return parsed;
}

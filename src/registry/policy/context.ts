/** Certificate fields that policy variables can name (`iot:Certificate.*`). Values are lists; variables use the first. */
export interface CertificateFields {
  /** By attribute name as AWS spells it (`CommonName`, `Organization`, …). */
  readonly subject: Readonly<Record<string, readonly string[]>>;
  readonly issuer: Readonly<Record<string, readonly string[]>>;
  /** By `RFC822Name`, `DNSName`, `DirectoryName`, `UniformResourceIdentifier`, `IPAddress`. */
  readonly subjectAlternativeNames: Readonly<Record<string, readonly string[]>>;
  readonly issuerAlternativeNames: Readonly<Record<string, readonly string[]>>;
  readonly serialNumber: string;
}

/** Everything a policy can refer to about the request's connection. */
export interface PolicyContext {
  readonly clientId: string;
  readonly sourceIp?: string | undefined;
  /** Set only when the client id equals the name of a thing attached to the certificate. */
  readonly thing?: { readonly thingName: string; readonly thingTypeName?: string | undefined; readonly attributes: Readonly<Record<string, string>> } | undefined;
  readonly certificate?: CertificateFields | undefined;
  readonly connectAttributes?: readonly string[] | undefined;
  readonly lastWillTopic?: string | undefined;
}

/** DN attribute short names (as node prints them) → the names AWS policy variables use. */
export const DN_ATTRIBUTES: Readonly<Record<string, string>> = {
  CN: 'CommonName',
  O: 'Organization',
  OU: 'OrganizationalUnit',
  C: 'Country',
  ST: 'State',
  L: 'Locality',
  serialNumber: 'SerialNumber',
  title: 'Title',
  SN: 'Surname',
  GN: 'GivenName',
  givenName: 'GivenName',
  initials: 'Initials',
  pseudonym: 'Pseudonym',
  generationQualifier: 'GenerationQualifier',
  dnQualifier: 'DistinguishedNameQualifier',
};

export type KeyResolver = (context: PolicyContext) => readonly string[] | undefined;

/** Resolves `key` once into a function, so evaluation does no string parsing. */
export function compileKey(key: string): KeyResolver {
  switch (key.toLowerCase()) {
    case 'iot:clientid':
      return (c) => [c.clientId];
    case 'iot:connection.thing.thingname':
      return (c) => (c.thing === undefined ? undefined : [c.thing.thingName]);
    case 'iot:connection.thing.isattached':
      return (c) => (c.thing === undefined ? FALSE : TRUE);
    case 'aws:sourceip':
      return (c) => (c.sourceIp === undefined ? undefined : [c.sourceIp]);
    default: {
      const attribute = /^iot:connection\.thing\.attributes\[(.+)\]$/i.exec(key)?.[1];
      if (attribute !== undefined) {
        return (c) => {
          const value = c.thing?.attributes[attribute];
          return value === undefined ? undefined : [value];
        };
      }
      return (c) => resolveKey(key, c);
    }
  }
}

const TRUE: readonly string[] = ['true'];
const FALSE: readonly string[] = ['false'];

/**
 * The values of a policy variable / condition key, or undefined when the request has none.
 * Keys are case-insensitive (IAM); `.List` returns every value of a multi-valued attribute.
 */
export function resolveKey(key: string, context: PolicyContext): readonly string[] | undefined {
  const lower = key.toLowerCase();
  switch (lower) {
    case 'iot:clientid':
      return [context.clientId];
    case 'aws:sourceip':
      return context.sourceIp === undefined ? undefined : [context.sourceIp];
    case 'iot:connection.thing.isattached':
      return [context.thing === undefined ? 'false' : 'true'];
    case 'iot:connection.thing.thingname':
      return context.thing === undefined ? undefined : [context.thing.thingName];
    case 'iot:connection.thing.thingtypename':
      return context.thing?.thingTypeName === undefined ? undefined : [context.thing.thingTypeName];
    case 'iot:connectattributes':
      return context.connectAttributes === undefined ? undefined : context.connectAttributes;
    case 'iot:lastwilltopic':
      return context.lastWillTopic === undefined ? undefined : [context.lastWillTopic];
    case 'iot:certificate.serialnumber':
      return context.certificate === undefined ? undefined : [context.certificate.serialNumber];
    case 'iot:certificate.availablekeys':
      return context.certificate === undefined ? undefined : availableKeys(context.certificate);
    default:
      break;
  }
  const attribute = /^iot:connection\.thing\.attributes\[(.+)\]$/i.exec(key);
  if (attribute !== null) {
    const value = context.thing?.attributes[attribute[1] as string];
    return value === undefined ? undefined : [value];
  }
  const cert = /^iot:certificate\.(subject|issuer)\.(alternativename\.)?([a-z0-9]+)(\.list)?$/i.exec(key);
  if (cert === null || context.certificate === undefined) return undefined;
  const [, side, alt, name, list] = cert as unknown as [string, string, string | undefined, string, string | undefined];
  const issuer = side.toLowerCase() === 'issuer';
  const table = alt !== undefined ? (issuer ? context.certificate.issuerAlternativeNames : context.certificate.subjectAlternativeNames) : issuer ? context.certificate.issuer : context.certificate.subject;
  const values = lookup(table, name);
  if (values === undefined || values.length === 0) return undefined;
  return list !== undefined ? values : values.slice(0, 1);
}

function lookup(table: Readonly<Record<string, readonly string[]>>, name: string): readonly string[] | undefined {
  const direct = table[name];
  if (direct !== undefined) return direct;
  const lower = name.toLowerCase();
  for (const [key, values] of Object.entries(table)) if (key.toLowerCase() === lower) return values;
  return undefined;
}

function availableKeys(certificate: CertificateFields): string[] {
  const keys = ['iot:Certificate.SerialNumber'];
  for (const name of Object.keys(certificate.subject)) keys.push(`iot:Certificate.Subject.${name}`);
  for (const name of Object.keys(certificate.issuer)) keys.push(`iot:Certificate.Issuer.${name}`);
  for (const name of Object.keys(certificate.subjectAlternativeNames)) keys.push(`iot:Certificate.Subject.AlternativeName.${name}`);
  for (const name of Object.keys(certificate.issuerAlternativeNames)) keys.push(`iot:Certificate.Issuer.AlternativeName.${name}`);
  return keys;
}

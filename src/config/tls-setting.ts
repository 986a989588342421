import { isIP } from 'node:net';
import { Type, type TUnion, type TLiteral, type TObject, type TString } from 'typebox';
import { VigilError } from '../core/index.js';
import { parseListen } from './schema-helpers.js';

/** `off`, `auto` (a certificate from the built-in CA) or the operator's PEM files. */
export type TlsSetting = 'off' | 'auto' | { readonly cert_file: string; readonly key_file: string };

/** The schema of a listener's `tls` key. */
export function tlsSetting(what: string): TUnion<[TLiteral<'off'>, TLiteral<'auto'>, TObject<{ cert_file: TString; key_file: TString }>]> {
  return Type.Union(
    [
      Type.Literal('off'),
      Type.Literal('auto'),
      Type.Object(
        {
          cert_file: Type.String({ description: 'PEM certificate (chain), server certificate first.' }),
          key_file: Type.String({ description: 'PEM private key of cert_file.' }),
        },
        { additionalProperties: false },
      ),
    ],
    {
      default: 'off',
      description: `TLS for ${what}: off (plain HTTP, loopback addresses only unless allow_insecure_http), auto (a certificate from Vigil's built-in CA, secrets/server.pem, issued on first start; its SHA-256 fingerprint is printed), or {cert_file, key_file} (your PEM files).`,
      examples: ['auto', { cert_file: '/etc/vigil/tls/cert.pem', key_file: '/etc/vigil/tls/key.pem' }],
    },
  );
}

/** Whether `tls` turns TLS on (`{cert_file: '', key_file: ''}`, the old form of "off", counts as off). */
export function tlsEnabled(tls: TlsSetting): boolean {
  if (tls === 'off') return false;
  if (tls === 'auto') return true;
  return tls.cert_file !== '' || tls.key_file !== '';
}

/** 127.0.0.0/8, ::1 and `localhost`: addresses no other machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (bare === 'localhost' || bare === '::1' || bare === '0:0:0:0:0:0:0:1') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare);
  return mapped !== null && (mapped[1] ?? '').startsWith('127.');
}

/**
 * The start-up rule for an HTTP listener: plain HTTP only on a loopback address, unless the operator
 * said `allow_insecure_http: true` (a TLS proxy in front). `section` names the config keys (`api`, `hec`).
 */
export function checkHttpListener(section: string, listen: string, tls: TlsSetting, allowInsecureHttp: boolean): VigilError | undefined {
  if (typeof tls === 'object' && (tls.cert_file === '') !== (tls.key_file === '')) {
    return new VigilError('config.tls_incomplete', `${section}.tls: cert_file and key_file go together (one of them is empty)`, { hint: `set both, or set ${section}.tls: auto or off` });
  }
  if (tlsEnabled(tls) || allowInsecureHttp) return undefined;
  const { host } = parseListen(listen);
  if (isLoopbackHost(host)) return undefined;
  return new VigilError('config.insecure_listener', `${section}.listen is ${listen}, which other machines can reach, and ${section}.tls is off: tokens would cross the network in plain HTTP`, {
    hint: `set ${section}.tls: auto (a certificate from the built-in CA) or ${section}.tls: {cert_file, key_file}; or, only behind a TLS-terminating proxy, ${section}.allow_insecure_http: true`,
  });
}

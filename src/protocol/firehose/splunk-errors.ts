import { isRetryableStatus } from '../../core/index.js';
import { HEC_CODES, isHecCode } from '../hec/hec-codes.js';

/** Firehose's Splunk error code (`errorCode` of splunk-failed records) for a failed HEC reply. */
export function splunkErrorCode(hecCode: number | undefined, status: number): string {
  const known = isHecCode(hecCode) ? HEC_CODES[hecCode] : undefined;
  if (known !== undefined && 'firehose' in known) return known.firehose;
  return isRetryableStatus(status) ? 'Splunk.ServerError' : 'Splunk.InvalidEndpoint';
}

/** Firehose's Splunk error code for a transport failure. */
export function transportErrorCode(code: string): { errorCode: string; errorMessage: string } {
  if (code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT') return { errorCode: 'Splunk.ConnectionTimeout', errorMessage: 'The connection to HEC timed out. This might be a transient error.' };
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') {
    return { errorCode: 'Splunk.InvalidEndpoint', errorMessage: `Could not connect to the HEC endpoint (${code}). Make sure that the HEC endpoint URL is valid and reachable from Vigil.` };
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return { errorCode: 'Splunk.SSLUnverified', errorMessage: 'Could not connect to the HEC endpoint: the host does not match the certificate.' };
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|EPROTO|SSL|TLS/.test(code)) return { errorCode: 'Splunk.SSLHandshake', errorMessage: `Could not connect to the HEC endpoint: TLS handshake failed (${code}). Set caFile to the CA that signed the HEC certificate.` };
  return { errorCode: 'Splunk.ConnectionClosed', errorMessage: `Unable to send data to Splunk due to a connection failure (${code}). This might be a transient error.` };
}

export const ACK_TIMEOUT_MESSAGE = 'Did not receive an acknowledgement from HEC before the HEC acknowledgement timeout expired. Despite the acknowledgement timeout, it is possible the data was indexed successfully in Splunk. Vigil backs up data for which the acknowledgement timeout expired.';

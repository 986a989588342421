/** Firehose's Splunk error codes (`errorCode` of splunk-failed records) for a HEC reply code. */
export function splunkErrorCode(hecCode: number | undefined, status: number): string {
  switch (hecCode) {
    case 1: return 'Splunk.DisabledToken';
    case 2: case 3: case 4: case 16: return 'Splunk.InvalidToken';
    case 7: return 'Splunk.InvalidIndex';
    case 14: return 'Splunk.DisabledAck';
    case 5: case 6: case 10: case 11: case 12: case 13: case 15: return 'Splunk.InvalidDataFormat';
    default: return status >= 500 || status === 429 || status === 408 ? 'Splunk.ServerError' : 'Splunk.InvalidEndpoint';
  }
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

/** Parses a HEC reply body `{"text","code",…}`; undefined when it is not one. */
export function parseHecReply(body: Buffer): { text?: string; code?: number; ackId?: number; acks?: Record<string, boolean> } | undefined {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as { text?: string; code?: number; ackId?: number }) : undefined;
  } catch {
    return undefined;
  }
}

import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '../core/index.js';

/** Header carrying the webhook signature: `v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`. */
export const SIGNATURE_HEADER = 'x-vigil-signature';
/** Header carrying the signing time in epoch seconds (part of the signed text, so replays can be refused). */
export const TIMESTAMP_HEADER = 'x-vigil-timestamp';

export function signWebhook(secret: string, timestampSecs: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestampSecs}.${body}`).digest('hex')}`;
}

/** Checks a received webhook: what a subscriber runs (also used by Vigil's tests). */
export function verifyWebhook(secret: string, timestampHeader: string | undefined, signatureHeader: string | undefined, body: string): boolean {
  if (timestampHeader === undefined || signatureHeader === undefined || !/^\d+$/.test(timestampHeader)) return false;
  return constantTimeEqual(signWebhook(secret, Number(timestampHeader), body), signatureHeader);
}

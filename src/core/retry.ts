/**
 * An HTTP status worth retrying: a server error, a timeout (408) or throttling (429). Any other 4xx
 * is the peer refusing the request, and sending it again cannot help.
 */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

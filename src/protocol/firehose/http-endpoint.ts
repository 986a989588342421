/** Firehose's HTTP endpoint delivery protocol (B.4), as the sender speaks it. */

export interface HttpEndpointRequestInput {
  readonly requestId: string;
  /** Epoch ms. */
  readonly timestamp: number;
  readonly records: readonly Uint8Array[];
  readonly streamArn: string;
  readonly accessKey: string;
  readonly commonAttributes: Readonly<Record<string, string>>;
}

/** The request document `{"requestId","timestamp","records":[{"data"}]}` and its `X-Amz-Firehose-*` headers. */
export function httpEndpointRequest(input: HttpEndpointRequestInput): { readonly body: string; readonly headers: Record<string, string> } {
  const document = { requestId: input.requestId, timestamp: input.timestamp, records: input.records.map((data) => ({ data: Buffer.from(data).toString('base64') })) };
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-amz-firehose-protocol-version': '1.0',
    'x-amz-firehose-request-id': input.requestId,
    'x-amz-firehose-source-arn': input.streamArn,
  };
  if (input.accessKey !== '') headers['x-amz-firehose-access-key'] = input.accessKey;
  if (Object.keys(input.commonAttributes).length > 0) headers['x-amz-firehose-common-attributes'] = JSON.stringify({ commonAttributes: input.commonAttributes });
  return { body: JSON.stringify(document), headers };
}

/** The endpoint's answer `{"requestId","timestamp","errorMessage"?}`; undefined when it is not JSON. */
export function parseHttpEndpointReply(text: string): { readonly requestId?: string; readonly errorMessage?: string } | undefined {
  try {
    return JSON.parse(text) as { requestId?: string; errorMessage?: string };
  } catch {
    return undefined;
  }
}

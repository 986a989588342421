import { readFileSync } from 'node:fs';
import { CreateDeliveryStreamCommand, DeleteDeliveryStreamCommand, DescribeDeliveryStreamCommand, FirehoseClient, ListDeliveryStreamsCommand, PutRecordBatchCommand, PutRecordCommand } from '@aws-sdk/client-firehose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultHec } from '../support/fault-hec.js';
import { startTestVigil, type TestVigil } from '../support/vigil.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/stream/${name}`, import.meta.url), 'utf8');

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('@aws-sdk/client-firehose against Vigil', () => {
  let vigil: TestVigil;
  let hec: FaultHec;
  let firehose: FirehoseClient;

  beforeAll(async () => {
    hec = new FaultHec();
    await hec.start();
    vigil = await startTestVigil({ log: { level: 'warn' } });
    const key = await vigil.client.accessKeys.create('firehose sdk test');
    firehose = new FirehoseClient({ endpoint: vigil.running.endpoints['api'], region: 'local', credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey }, maxAttempts: 1 });
  });
  afterAll(async () => {
    firehose.destroy();
    await vigil.stop();
    await hec.stop();
  });

  it('creates a Splunk stream with the split-device-defender transform and describes it in Firehose shapes', async () => {
    const created = await firehose.send(new CreateDeliveryStreamCommand({
      DeliveryStreamName: 'siem',
      DeliveryStreamType: 'DirectPut',
      SplunkDestinationConfiguration: {
        HECEndpoint: hec.url,
        HECEndpointType: 'Event',
        HECToken: hec.token,
        HECAcknowledgmentTimeoutInSeconds: 180,
        RetryOptions: { DurationInSeconds: 60 },
        S3BackupMode: 'FailedEventsOnly',
        S3Configuration: { RoleARN: 'arn:aws:iam::000000000000:role/x', BucketARN: 'arn:aws:s3:::backup' },
        BufferingHints: { IntervalInSeconds: 0, SizeInMBs: 1 },
        ProcessingConfiguration: { Enabled: true, Processors: [{ Type: 'Lambda', Parameters: [{ ParameterName: 'LambdaArn', ParameterValue: 'arn:aws:lambda:local:000000000000:function:split-device-defender' }, { ParameterName: 'NumberOfRetries', ParameterValue: '3' }] }] },
      },
    }));
    expect(created.DeliveryStreamARN).toBe('arn:aws:firehose:local:000000000000:deliverystream/siem');
    const described = await firehose.send(new DescribeDeliveryStreamCommand({ DeliveryStreamName: 'siem' }));
    const destination = described.DeliveryStreamDescription?.Destinations?.[0]?.SplunkDestinationDescription;
    expect(described.DeliveryStreamDescription?.DeliveryStreamStatus).toBe('ACTIVE');
    expect(destination).toMatchObject({ HECEndpoint: hec.url, HECEndpointType: 'Event', HECToken: '********', HECAcknowledgmentTimeoutInSeconds: 180, RetryOptions: { DurationInSeconds: 60 } });
    expect((await firehose.send(new ListDeliveryStreamsCommand({}))).DeliveryStreamNames).toEqual(['siem']);
  });

  it('PutRecordBatch of a recorded export message and audit envelope reaches HEC as the golden bodies', async () => {
    const result = await firehose.send(new PutRecordBatchCommand({
      DeliveryStreamName: 'siem',
      Records: [{ Data: Buffer.from(fixture('export-message.json')) }, { Data: Buffer.from(fixture('audit-envelope.json')) }],
    }));
    expect(result.FailedPutCount).toBe(0);
    expect(result.RequestResponses?.map((r) => typeof r.RecordId)).toEqual(['string', 'string']);
    await until(() => hec.bodies.length > 0, 'HEC delivery');
    expect(hec.bodies.join('')).toBe(fixture('export-message.hec') + fixture('audit-envelope.hec'));
    await until(async () => (await vigil.client.request<{ deliveredRecords: number }>('GET', '/api/v1/streams/siem/status')).deliveredRecords === 2, 'acknowledged delivery');
  });

  it('answers Firehose errors with their exception types', async () => {
    await expect(firehose.send(new PutRecordCommand({ DeliveryStreamName: 'missing', Record: { Data: Buffer.from('x') } }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    await expect(firehose.send(new PutRecordBatchCommand({ DeliveryStreamName: 'siem', Records: Array.from({ length: 501 }, () => ({ Data: Buffer.from('x') })) }))).rejects.toMatchObject({ name: 'InvalidArgumentException' });
    await expect(firehose.send(new PutRecordCommand({ DeliveryStreamName: 'siem', Record: { Data: Buffer.alloc(1_024_001) } }))).rejects.toMatchObject({ name: 'InvalidArgumentException' });
    await expect(firehose.send(new CreateDeliveryStreamCommand({ DeliveryStreamName: 'siem', SplunkDestinationConfiguration: { HECEndpoint: hec.url, HECEndpointType: 'Raw', HECToken: 't', S3Configuration: { RoleARN: 'r', BucketARN: 'b' } } }))).rejects.toMatchObject({ name: 'ResourceInUseException' });
    await expect(firehose.send(new CreateDeliveryStreamCommand({ DeliveryStreamName: 'bad', SplunkDestinationConfiguration: { HECEndpoint: hec.url, HECEndpointType: 'Raw', HECToken: 't', HECAcknowledgmentTimeoutInSeconds: 10, S3Configuration: { RoleARN: 'r', BucketARN: 'b' } } }))).rejects.toMatchObject({ name: 'InvalidArgumentException' });
  });

  it('PutRecord returns a record id and DeleteDeliveryStream removes the stream', async () => {
    const put = await firehose.send(new PutRecordCommand({ DeliveryStreamName: 'siem', Record: { Data: Buffer.from(fixture('export-message.json')) } }));
    expect(put.RecordId).toMatch(/^\d{20}$/);
    await firehose.send(new DeleteDeliveryStreamCommand({ DeliveryStreamName: 'siem' }));
    expect((await firehose.send(new ListDeliveryStreamsCommand({}))).DeliveryStreamNames).toEqual([]);
  });
});

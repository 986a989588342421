import type { FastifyInstance } from 'fastify';
import { Compile } from 'typebox/compile';
import { VigilError, isVigilError } from '../../core/index.js';
import { describeStream, streamInputFromCreate } from '../../protocol/index.js';
import { MAX_RECORD_BYTES, type StreamService } from '../../stream/index.js';
import { firehoseContract, firehoseOperations, type FirehoseOperation, type FirehoseOutput } from '../contract/index.js';
import type { ApiDeps } from '../deps.js';
import { typed } from '../route-app.js';

type Json = Record<string, unknown>;
const MAX_BATCH_RECORDS = 500;
const MAX_BATCH_BYTES = 4 * 1024 * 1024;
const TARGET_PREFIX = 'Firehose_20150804.';

function invalid(message: string): VigilError {
  return new VigilError('firehose.invalid_argument', message);
}

/** Firehose names some failures differently from Vigil's generic mapping. */
function firehoseError(error: unknown): unknown {
  if (!isVigilError(error)) return error;
  if (error.code === 'stream.already_exists') return new VigilError('firehose.resource_in_use', error.message);
  if (error.code.startsWith('stream.invalid')) return new VigilError('firehose.invalid_argument', error.message);
  return error;
}

function decodeRecord(raw: unknown, index: number): Buffer {
  const data = (raw as { Data?: unknown } | null)?.Data;
  if (typeof data !== 'string') throw invalid(`Records[${index}].Data must be base64 text`);
  const bytes = Buffer.from(data, 'base64');
  if (bytes.length > MAX_RECORD_BYTES) throw invalid(`1 validation error detected: Value at 'record.data' failed to satisfy constraint: Member must have length less than or equal to ${MAX_RECORD_BYTES}`);
  return bytes;
}

function streamName(body: Json): string {
  const name = body['DeliveryStreamName'];
  if (typeof name !== 'string' || name.length < 1 || name.length > 64) throw invalid('DeliveryStreamName must be 1–64 characters');
  return name;
}

type Operation = (streams: StreamService, body: Json, deps: Pick<ApiDeps, 'region' | 'accountId'>) => Promise<FirehoseOutput<FirehoseOperation>>;

const OPERATIONS: Readonly<Record<FirehoseOperation, Operation>> = {
  async PutRecord(streams, body) {
    const record = decodeRecord(body['Record'], 0);
    const put = await streams.put(streamName(body), [record]);
    if (!put.ok) throw put.error;
    return { RecordId: put.value[0], Encrypted: false };
  },
  async PutRecordBatch(streams, body) {
    const raw = body['Records'];
    if (!Array.isArray(raw) || raw.length < 1 || raw.length > MAX_BATCH_RECORDS) throw invalid(`Records must hold 1 to ${MAX_BATCH_RECORDS} records`);
    const records = raw.map((r, i) => decodeRecord(r, i));
    let total = 0;
    for (const r of records) total += r.length;
    if (total > MAX_BATCH_BYTES) throw invalid(`the batch holds ${total} bytes; PutRecordBatch allows 4 MiB`);
    const put = await streams.put(streamName(body), records);
    if (!put.ok) throw put.error;
    return { FailedPutCount: 0, Encrypted: false, RequestResponses: put.value.map((RecordId) => ({ RecordId })) };
  },
  async CreateDeliveryStream(streams, body) {
    const input = streamInputFromCreate(body);
    if (!input.ok) throw input.error;
    const created = await streams.create(input.value);
    return { DeliveryStreamARN: streams.arn(created.name) };
  },
  async DescribeDeliveryStream(streams, body, deps) {
    const definition = await streams.get(streamName(body));
    return { DeliveryStreamDescription: describeStream(streams.redact(definition), streams.arn(definition.name), deps.region, deps.accountId) };
  },
  async ListDeliveryStreams(streams, body) {
    const limit = typeof body['Limit'] === 'number' ? Math.max(1, Math.min(10_000, body['Limit'])) : 10_000;
    const after = typeof body['ExclusiveStartDeliveryStreamName'] === 'string' ? body['ExclusiveStartDeliveryStreamName'] : '';
    const names = (await streams.list()).map((s) => s.name).filter((n) => n > after);
    return { DeliveryStreamNames: names.slice(0, limit), HasMoreDeliveryStreams: names.length > limit };
  },
  async DeleteDeliveryStream(streams, body) {
    await streams.delete(streamName(body));
    return {};
  },
};

const INPUTS = Object.fromEntries(Object.entries(firehoseOperations).map(([name, o]) => [name, Compile(o.input)])) as Readonly<Record<FirehoseOperation, ReturnType<typeof Compile>>>;

/** The operation's input checked against its contract; a failure names the member, as Firehose's validation errors do. */
function checkInput(operation: FirehoseOperation, body: Json): void {
  const validator = INPUTS[operation];
  if (validator.Check(body)) return;
  const [first] = validator.Errors(body);
  const member = first === undefined ? '' : first.instancePath.split('/').filter((s) => s !== '').join('.');
  const missing = (first?.params as { requiredProperties?: string[] } | undefined)?.requiredProperties?.[0];
  const where = [member, missing].filter((s) => s !== undefined && s !== '').join('.');
  throw invalid(`1 validation error detected: Value at '${where === '' ? 'request' : where}' failed to satisfy constraint: ${missing !== undefined ? 'Member must not be null' : first?.message ?? 'invalid'}`);
}

/** Firehose's AWS JSON 1.1 API: `POST /` with `X-Amz-Target: Firehose_20150804.<Operation>`. */
export function firehoseRoutes(fastify: FastifyInstance, deps: Pick<ApiDeps, 'streams' | 'region' | 'accountId'>): void {
  const app = typed(fastify);
  app.post('/', { config: { errorStyle: 'aws-json' }, schema: { tags: ['Firehose (AWS JSON 1.1)'], summary: 'PutRecord, PutRecordBatch, CreateDeliveryStream, DescribeDeliveryStream, ListDeliveryStreams, DeleteDeliveryStream', ...firehoseContract.call } }, async (request, reply) => {
    const target = request.headers['x-amz-target'];
    const name = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
    if (!Object.hasOwn(OPERATIONS, name)) throw new VigilError('firehose.unknown_operation', `unsupported X-Amz-Target "${target}"`, { hint: `supported: ${Object.keys(OPERATIONS).map((o) => TARGET_PREFIX + o).join(', ')}` });
    const operation = name as FirehoseOperation;
    const body = request.body;
    try {
      checkInput(operation, body);
      const result = await OPERATIONS[operation](deps.streams, body, deps);
      void reply.type('application/x-amz-json-1.1');
      return result;
    } catch (error) {
      throw firehoseError(error);
    }
  });
}

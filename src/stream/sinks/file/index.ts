import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Type, type Static } from 'typebox';
import type { Delivery, Probe, Sink, SinkKind } from '../sink.js';
import { backupFolder, objectName } from '../../../protocol/index.js';

export const fileSinkSchema = Type.Object(
  {
    type: Type.Literal('file'),
    dir: Type.String({ minLength: 1, description: 'Root folder ("bucket") the files go under.' }),
    prefix: Type.String({ default: '', description: 'Firehose Prefix (expressions allowed); none = YYYY/MM/DD/HH/.' }),
    rotateBytes: Type.Integer({ minimum: 1, default: 128 * 1024 * 1024, description: 'Start a new file once the current one holds this many bytes.' }),
    rotateSecs: Type.Integer({ minimum: 1, default: 300, description: 'Start a new file once the current one is this old.' }),
    newline: Type.Boolean({ default: true, description: 'End each record with \\n unless it already ends with one (NDJSON).' }),
    maxRecordBytes: Type.Integer({ minimum: 1, default: 64 * 1024 * 1024 }),
  },
  { additionalProperties: false },
);

type FileSinkConfig = Static<typeof fileSinkSchema>;

interface OpenFile {
  readonly handle: FileHandle;
  readonly path: string;
  readonly openedAt: number;
  bytes: number;
}

/** Newline-delimited files with Firehose's S3 key layout, rotated by size or age; each batch is fsynced. */
export const fileSink: SinkKind = {
  type: 'file',
  description: 'NDJSON files with Firehose\'s key layout, rotated by size or time',
  schema: fileSinkSchema,
  errorOutputType: 'file-failed',
  failedIds: (recordId) => ({ EventId: `${recordId}.0` }),
  create(raw, context) {
    const config = raw as unknown as FileSinkConfig;
    let current: OpenFile | undefined;
    const backup = { mode: 'FailedEventsOnly' as const, prefix: config.prefix, errorOutputPrefix: '' };

    const rotate = async (now: number): Promise<OpenFile> => {
      if (current !== undefined && current.bytes < config.rotateBytes && now - current.openedAt < config.rotateSecs * 1000) return current;
      await current?.handle.close();
      const path = join(config.dir, backupFolder(backup, now), objectName(context.stream, context.version, now));
      await mkdir(dirname(path), { recursive: true });
      current = { handle: await open(path, 'a', 0o640), path, openedAt: now, bytes: 0 };
      return current;
    };

    const sink: Sink = {
      maxInFlight: 1,
      maxRecordBytes: config.maxRecordBytes,
      async probe(): Promise<Probe> {
        try {
          await mkdir(config.dir, { recursive: true });
          return { ok: true, detail: `writing under ${config.dir}` };
        } catch (error) {
          return { ok: false, errorCode: 'File.NotWritable', detail: error instanceof Error ? error.message : String(error) };
        }
      },
      async deliver(records): Promise<Delivery> {
        const parts: Buffer[] = [];
        for (const record of records) {
          const data = Buffer.from(record.data.buffer, record.data.byteOffset, record.data.byteLength);
          parts.push(data);
          if (config.newline && data[data.length - 1] !== 0x0a) parts.push(Buffer.from('\n'));
        }
        const body = Buffer.concat(parts);
        try {
          const file = await rotate(context.clock.now());
          await file.handle.write(body);
          await file.handle.datasync();
          file.bytes += body.length;
          return { ok: true };
        } catch (error) {
          await current?.handle.close().catch(() => undefined);
          current = undefined;
          return { ok: false, retryable: true, errorCode: 'File.WriteFailed', errorMessage: error instanceof Error ? error.message : String(error) };
        }
      },
      async stop() {
        await current?.handle.close().catch(() => undefined);
        current = undefined;
      },
    };
    return sink;
  },
};

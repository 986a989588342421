import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { TransformEvent } from '../../protocol/index.js';
import type { Transform, TransformKind } from './transform.js';

// Plain CommonJS so that it runs in a worker whatever loader the main thread uses (tsx, vitest).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { pathToFileURL } = require('node:url');
const loaded = import(pathToFileURL(workerData.path).href).then((m) => m.handler ?? m.default ?? (m.default && m.default.handler));
parentPort.on('message', async (message) => {
  try {
    const handler = await loaded;
    if (typeof handler !== 'function') throw new Error('the module exports no handler function (export handler or default)');
    const out = await handler(message.event, { functionName: workerData.path, awsRequestId: message.event.invocationId });
    parentPort.postMessage({ id: message.id, ok: true, out });
  } catch (error) {
    parentPort.postMessage({ id: message.id, ok: false, error: String((error && error.stack) || error) });
  }
});
`;

/** An invocation failure with Firehose's Lambda error code. */
export class TransformInvocationError extends Error {
  constructor(readonly errorCode: string, message: string) {
    super(message);
  }
}

/**
 * A user JavaScript module with a Lambda-style `handler(event)` (Firehose transform contract), run
 * in a worker thread with a heap limit; an invocation past the time limit kills the worker.
 */
export const javascriptTransform: TransformKind = {
  type: 'javascript',
  description: 'A user JavaScript module exporting handler(event) with the Firehose transform contract, in a worker thread',
  create(parameters, context): Transform {
    const path = resolve(parameters['path'] ?? '');
    const timeoutMs = parameters['timeoutSecs'] === undefined ? context.timeoutMs : Number(parameters['timeoutSecs']) * 1000;
    const memoryMb = parameters['memoryMb'] === undefined ? context.memoryMb : Number(parameters['memoryMb']);
    type Waiter = { resolve: (v: unknown) => void; reject: (e: Error) => void };
    let current: { worker: Worker; waiting: Map<number, Waiter> } | undefined;
    let nextId = 1;
    let queue: Promise<unknown> = Promise.resolve();

    const spawn = (): { worker: Worker; waiting: Map<number, Waiter> } => {
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path }, resourceLimits: { maxOldGenerationSizeMb: memoryMb, maxYoungGenerationSizeMb: Math.max(4, Math.floor(memoryMb / 8)) } });
      worker.unref();
      const handle = { worker, waiting: new Map<number, Waiter>() };
      worker.on('message', (message: { id: number; ok: boolean; out?: unknown; error?: string }) => {
        const waiter = handle.waiting.get(message.id);
        handle.waiting.delete(message.id);
        if (message.ok) waiter?.resolve(message.out);
        else waiter?.reject(new TransformInvocationError('Lambda.FunctionError', message.error ?? 'the transform threw'));
      });
      // Each worker fails only its own waiters: a killed worker's late exit never touches its replacement.
      const fail = (error: Error): void => {
        if (current === handle) current = undefined;
        const code = /out of memory|ERR_WORKER_OUT_OF_MEMORY/i.test(`${(error as { code?: string }).code ?? ''} ${error.message}`) ? 'Lambda.FunctionMemoryExceeded' : 'Lambda.FunctionError';
        for (const waiter of handle.waiting.values()) waiter.reject(new TransformInvocationError(code, error.message));
        handle.waiting.clear();
      };
      worker.on('error', fail);
      worker.on('exit', (code) => fail(new Error(`the transform worker exited (code ${code})`)));
      return handle;
    };

    const invokeOnce = (event: TransformEvent): Promise<unknown> => {
      current ??= spawn();
      const handle = current;
      const id = nextId++;
      return new Promise((resolvePromise, reject) => {
        const timer = setTimeout(() => {
          handle.waiting.delete(id);
          if (current === handle) current = undefined;
          void handle.worker.terminate();
          reject(new TransformInvocationError('Lambda.FunctionTimeout', `the transform did not return within ${timeoutMs} ms`));
        }, timeoutMs);
        handle.waiting.set(id, {
          resolve: (value) => {
            clearTimeout(timer);
            resolvePromise(value);
          },
          reject: (error) => {
            clearTimeout(timer);
            reject(error);
          },
        });
        handle.worker.postMessage({ id, event });
      });
    };

    return {
      functionName: path,
      invoke(event) {
        // One invocation at a time per worker; batches queue.
        const run = queue.then(() => invokeOnce(event));
        queue = run.catch(() => undefined);
        return run;
      },
      async close() {
        const handle = current;
        current = undefined;
        await handle?.worker.terminate();
      },
    };
  },
};

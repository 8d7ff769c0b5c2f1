import { Worker } from 'node:worker_threads';
import type { LoggedEvent } from '@gu/core';
import { columnValues } from './lake-schema.js';

/**
 * Encodes lake parts on a worker thread: compressing ten thousand events into Parquet takes 70–200 ms of
 * CPU, which on the serving thread would hold back every acknowledgement and answer meanwhile. The serving
 * thread only picks the column values out of the events. One part at a time (the lake's writes are serial);
 * the worker starts on first use and keeps the process alive only while it has a part to encode.
 */
export class ParquetEncoder {
  private worker?: Worker;

  async encode(events: readonly LoggedEvent[]): Promise<Uint8Array> {
    const worker = (this.worker ??= new Worker(new URL('./parquet-worker.js', import.meta.url)));
    worker.ref();
    try {
      const reply = await new Promise<{ bytes?: ArrayBuffer; error?: string }>((resolve, reject) => {
        const onMessage = (message: { bytes?: ArrayBuffer; error?: string }) => {
          worker.off('error', onError);
          resolve(message);
        };
        const onError = (error: Error) => {
          worker.off('message', onMessage);
          this.worker = undefined; // a worker that failed is not asked again
          reject(error);
        };
        worker.once('message', onMessage).once('error', onError);
        worker.postMessage(columnValues(events));
      });
      if (reply.error !== undefined) throw new Error(`encoding a lake part failed: ${reply.error}`);
      return new Uint8Array(reply.bytes!);
    } finally {
      worker.unref();
    }
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
    this.worker = undefined;
  }
}

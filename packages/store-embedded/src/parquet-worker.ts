// The worker thread of ParquetEncoder: column values in, a Parquet file's bytes out (transferred, not copied).
import { parentPort } from 'node:worker_threads';
import { encodeParquet, type ColumnValues } from './lake-schema.js';

parentPort!.on('message', (columns: ColumnValues) => {
  try {
    const bytes = encodeParquet(columns);
    parentPort!.postMessage({ bytes }, [bytes]);
  } catch (error) {
    parentPort!.postMessage({ error: error instanceof Error ? error.message : String(error) });
  }
});

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

export const defaultThreads = (): number => Math.max(1, availableParallelism());

/**
 * A fixed set of worker threads running one module, each started with the same workerData (typically
 * SharedArrayBuffers, so workers write results in place). run() hands tasks to idle workers and resolves with
 * the replies in task order.
 */
export class WorkerPool<Task, Reply> {
  private readonly workers: Worker[];

  constructor(module: URL, size: number, workerData: unknown) {
    this.workers = Array.from({ length: size }, () => new Worker(module, { workerData }));
  }

  async run(tasks: readonly Task[], onReply?: (reply: Reply, index: number) => void): Promise<Reply[]> {
    const replies: Reply[] = new Array(tasks.length);
    let next = 0;
    const drive = (worker: Worker) =>
      new Promise<void>((resolve, reject) => {
        const give = () => {
          if (next >= tasks.length) {
            worker.off('message', onMessage).off('error', reject);
            return resolve();
          }
          const index = next++;
          current = index;
          worker.postMessage(tasks[index]);
        };
        let current = -1;
        const onMessage = (reply: Reply) => {
          replies[current] = reply;
          onReply?.(reply, current);
          give();
        };
        worker.on('message', onMessage).on('error', reject);
        give();
      });
    await Promise.all(this.workers.map(drive));
    return replies;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** Splits rows 0..rows-1 into about `parts` contiguous ranges of similar total work (work per row given by ptr). */
export function balancedRanges(ptr: Int32Array, parts: number): [number, number][] {
  const rows = ptr.length - 1;
  const total = ptr[rows] + rows; // each row costs its nonzeros plus a constant
  const ranges: [number, number][] = [];
  let start = 0;
  for (let part = 1; part <= parts && start < rows; part++) {
    const goal = (total * part) / parts;
    let end = start + 1;
    while (end < rows && ptr[end] + end < goal) end++;
    if (part === parts) end = rows;
    ranges.push([start, end]);
    start = end;
  }
  return ranges;
}

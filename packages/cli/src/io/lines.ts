import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** The lines of a text file, streamed (the files can be far larger than memory should hold as one string). */
export function readLines(path: string): AsyncIterable<string> {
  return createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
}

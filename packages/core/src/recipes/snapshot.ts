/**
 * A recipe's saved state: JSON-able parameters and state plus named typed arrays, encoded into one binary
 * blob (a JSON header followed by 8-byte aligned array bytes) so that large factor matrices are not stringified.
 */
export type NumericArray = Float32Array | Float64Array | Int32Array | Uint32Array | Uint8Array;

export interface Snapshot {
  recipe: string;
  params: Record<string, unknown>;
  state: Record<string, unknown>;
  arrays: Record<string, NumericArray>;
}

const constructors = { Float32Array, Float64Array, Int32Array, Uint32Array, Uint8Array } as const;
type ArrayKind = keyof typeof constructors;
const MAGIC = 0x47550001; // "GU" + format version 1

export function encodeSnapshot(snapshot: Snapshot): Uint8Array {
  const layout: { name: string; kind: ArrayKind; offset: number; length: number }[] = [];
  let offset = 0;
  for (const [name, array] of Object.entries(snapshot.arrays)) {
    layout.push({ name, kind: array.constructor.name as ArrayKind, offset, length: array.length });
    offset += Math.ceil(array.byteLength / 8) * 8;
  }
  const header = new TextEncoder().encode(
    JSON.stringify({ recipe: snapshot.recipe, params: snapshot.params, state: snapshot.state, layout }),
  );
  const dataStart = Math.ceil((8 + header.length) / 8) * 8;
  const out = new Uint8Array(dataStart + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC);
  view.setUint32(4, header.length);
  out.set(header, 8);
  layout.forEach(({ name, offset: at }) => {
    const array = snapshot.arrays[name];
    out.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), dataStart + at);
  });
  return out;
}

export function decodeSnapshot(bytes: Uint8Array): Snapshot {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 8 || view.getUint32(0) !== MAGIC) throw new Error('not a Gu model snapshot');
  const headerLength = view.getUint32(4);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  const dataStart = Math.ceil((8 + headerLength) / 8) * 8;
  const arrays: Record<string, NumericArray> = {};
  for (const { name, kind, offset, length } of header.layout as {
    name: string;
    kind: ArrayKind;
    offset: number;
    length: number;
  }[]) {
    const Ctor = constructors[kind];
    const start = bytes.byteOffset + dataStart + offset;
    // Copy so the array owns aligned memory whatever the source buffer's alignment.
    arrays[name] = new Ctor(
      (bytes.buffer as ArrayBuffer).slice(start, start + length * Ctor.BYTES_PER_ELEMENT),
    );
  }
  return { recipe: header.recipe, params: header.params, state: header.state, arrays };
}

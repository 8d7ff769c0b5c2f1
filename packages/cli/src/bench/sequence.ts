const SEQ = /\{seq\}/g;

/** A request body with every `{seq}` replaced by n, 12 digits: unique within a run (event ids). */
export const numbered = (body: string, n: number): string => body.replace(SEQ, String(n).padStart(12, '0'));

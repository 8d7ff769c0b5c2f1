export * from './quality.js';
export * from './fields.js';
export * from './interactions-csv.js';
export * from './interactions-jsonl.js';
export * from './sequences.js';
export * from './sessions.js';
export * from './items-csv.js';
export * from './complete-journey.js';

export * from './event-log.js';
export * from './event-store.js';
export * from './catalog-store.js';
export * from './user-store.js';
export * from './model-store.js';
export * from './data-lake.js';
export * from './meta-store.js';
export * from './stores.js';

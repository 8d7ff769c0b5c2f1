export { eventLogConformance } from './event-log.conformance.js';
export { eventStoreConformance } from './event-store.conformance.js';
export { catalogStoreConformance } from './catalog-store.conformance.js';
export { userStoreConformance } from './user-store.conformance.js';
export { modelStoreConformance } from './model-store.conformance.js';
export { dataLakeConformance } from './data-lake.conformance.js';
export { metaStoreConformance } from './meta-store.conformance.js';
export * as fixtures from './fixtures.js';

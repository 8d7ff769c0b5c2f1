import { MemoryCatalogStore } from './catalog-store.js';
import {
  catalogStoreConformance,
  dataLakeConformance,
  eventLogConformance,
  eventStoreConformance,
  metaStoreConformance,
  modelStoreConformance,
  userStoreConformance,
} from './conformance/index.js';
import { MemoryDataLake } from './data-lake.js';
import { MemoryEventLog } from './event-log.js';
import { MemoryEventStore } from './event-store.js';
import { MemoryMetaStore } from './meta-store.js';
import { MemoryModelStore } from './model-store.js';
import { MemoryUserStore } from './user-store.js';

// The in-memory twins are the reference every adapter is held to.
eventLogConformance('memory', async () => new MemoryEventLog());
eventStoreConformance('memory', async () => new MemoryEventStore());
catalogStoreConformance('memory', async () => new MemoryCatalogStore());
userStoreConformance('memory', async () => new MemoryUserStore());
modelStoreConformance('memory', async () => new MemoryModelStore());
dataLakeConformance('memory', async () => new MemoryDataLake());
metaStoreConformance('memory', async () => new MemoryMetaStore());

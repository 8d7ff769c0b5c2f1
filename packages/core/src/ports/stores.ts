import { MemoryCatalogStore, type CatalogStore } from './catalog-store.js';
import { MemoryDataLake, type DataLake } from './data-lake.js';
import { MemoryEventLog, type EventLog } from './event-log.js';
import { MemoryEventStore, type EventStore } from './event-store.js';
import { MemoryMetaStore, type MetaStore } from './meta-store.js';
import { MemoryModelStore, type ModelStore } from './model-store.js';
import { MemoryUserStore, type UserStore } from './user-store.js';

/** Every port Gu needs, as one bundle the composition root fills with adapters. */
export interface Stores {
  log: EventLog;
  events: EventStore;
  catalog: CatalogStore;
  users: UserStore;
  models: ModelStore;
  lake: DataLake;
  meta: MetaStore;
}

export const memoryStores = (): Stores => ({
  log: new MemoryEventLog(),
  events: new MemoryEventStore(),
  catalog: new MemoryCatalogStore(),
  users: new MemoryUserStore(),
  models: new MemoryModelStore(),
  lake: new MemoryDataLake(),
  meta: new MemoryMetaStore(),
});

export async function closeStores(stores: Stores): Promise<void> {
  await Promise.all(Object.values(stores).map((s) => s.close()));
}

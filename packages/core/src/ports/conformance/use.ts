/** Opens a fresh store for one test and closes it afterwards, whatever the outcome. */
export async function using<S extends { close(): Promise<void> }>(
  make: () => Promise<S>,
  body: (store: S) => Promise<void>,
): Promise<void> {
  const store = await make();
  try {
    await body(store);
  } finally {
    await store.close();
  }
}

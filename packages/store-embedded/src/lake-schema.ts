import type { LoggedEvent } from '@gu/core';
import { parquetWriteBuffer, type BasicType, type ColumnSource } from 'hyparquet-writer';

/**
 * The Parquet columns of a lake partition: one per event field, typed, so DuckDB, Spark or Athena read the
 * lake as is. Times are TIMESTAMP (ms), the offset INT64, the context JSON; absent fields are nulls.
 */
const COLUMNS: readonly [field: keyof LoggedEvent, type: BasicType, required: boolean][] = [
  ['offset', 'INT64', true],
  ['eventId', 'STRING', true],
  ['eventType', 'STRING', true],
  ['userId', 'STRING', false],
  ['sessionId', 'STRING', false],
  ['itemId', 'STRING', false],
  ['quantity', 'DOUBLE', false],
  ['price', 'DOUBLE', false],
  ['orderId', 'STRING', false],
  ['recommendationId', 'STRING', false],
  ['query', 'STRING', false],
  ['timestamp', 'TIMESTAMP', true],
  ['receivedAt', 'TIMESTAMP', true],
  ['context', 'JSON', false],
];

const toParquet = (value: unknown, type: BasicType): unknown =>
  value === undefined || value === null
    ? null
    : type === 'INT64'
      ? BigInt(value as number)
      : type === 'TIMESTAMP'
        ? new Date(value as number)
        : value;

/** The events' values column by column, in row order, as plain values (cheap to send to a worker). */
export type ColumnValues = unknown[][];

export const columnValues = (events: readonly LoggedEvent[]): ColumnValues =>
  COLUMNS.map(([field]) => events.map((e) => e[field] ?? null));

/** A Parquet file of the columns' values. */
export function encodeParquet(columns: ColumnValues): ArrayBuffer {
  const columnData: ColumnSource[] = COLUMNS.map(([name, type, required], c) => ({
    name,
    type,
    nullable: !required,
    data: columns[c].map((value) => toParquet(value, type)),
  }));
  return parquetWriteBuffer({ columnData, createdBy: 'gu' });
}

/** A Parquet row back to an event: nulls dropped, INT64 and TIMESTAMP back to numbers. */
export function fromRow(row: Record<string, unknown>): LoggedEvent {
  const event: Record<string, unknown> = {};
  for (const [field] of COLUMNS) {
    const value = row[field];
    if (value === null || value === undefined) continue;
    event[field] =
      typeof value === 'bigint' ? Number(value) : value instanceof Date ? value.getTime() : value;
  }
  return event as unknown as LoggedEvent;
}

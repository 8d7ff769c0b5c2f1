import type { LoggedEvent } from '@gu/core';
import type { BasicType, ColumnSource } from 'hyparquet-writer';

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

/** Events as Parquet column data, in row order. */
export const toColumns = (events: readonly LoggedEvent[]): ColumnSource[] =>
  COLUMNS.map(([field, type, required]) => ({
    name: field,
    type,
    nullable: !required,
    data: events.map((e) => toParquet(e[field], type)),
  }));

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

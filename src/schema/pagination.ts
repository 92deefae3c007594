import { resolveCursorConnection, type ResolveCursorConnectionArgs } from '@pothos/plugin-relay';
import { and, desc, asc, lt, gt, or, eq, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { badUserInputError } from '../errors.js';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

/** Rejects page sizes outside 0..MAX_PAGE_SIZE instead of silently clamping them. */
export function assertPageSize(args: ConnectionArgs): void {
  for (const name of ['first', 'last'] as const) {
    const size = args[name];
    if (size != null && (size < 0 || size > MAX_PAGE_SIZE)) {
      throw badUserInputError(name, `must be between 0 and ${MAX_PAGE_SIZE}.`);
    }
  }
}

type SortValue = Date | string | number;

/**
 * A keyset ordering: a sort column with its direction, and the id column that breaks ties. The
 * cursor stores the row's sort value and id, so a page stays stable while rows are added.
 */
export interface KeysetOrder<Row> {
  column: PgColumn;
  id: PgColumn;
  direction: 'asc' | 'desc';
  valueOf(row: Row): SortValue;
  /** Parses a sort value written by `valueOf`; returns undefined when the text is not one. */
  parse(text: string): SortValue | undefined;
}

/** The page window that resolveCursorConnection passes to its loader. */
export interface PageWindow {
  before?: string | null;
  after?: string | null;
  limit: number;
  inverted: boolean;
}

function serialize(value: SortValue): string {
  return value instanceof Date ? value.toISOString() : String(value);
}

export function encodeCursor<Row extends { id: string }>(order: KeysetOrder<Row>, row: Row): string {
  return Buffer.from(`${serialize(order.valueOf(row))}|${row.id}`).toString('base64url');
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function decodeCursor(order: KeysetOrder<never>, cursor: string, argName: string): { value: SortValue; id: string } {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  // The id never contains '|', so the last one separates it even when a name contains one.
  const separator = text.lastIndexOf('|');
  const value = separator > 0 ? order.parse(text.slice(0, separator)) : undefined;
  const id = text.slice(separator + 1);
  if (value === undefined || !UUID_PATTERN.test(id)) {
    throw badUserInputError(argName, 'is not a cursor returned by this connection.');
  }
  return { value, id };
}

/**
 * Turns a page window into the keyset condition and the ordering to apply; the loader then limits
 * the rows to `window.limit`.
 */
export function keysetQuery<Row>(order: KeysetOrder<Row>, window: PageWindow): { where: SQL | undefined; orderBy: SQL[] } {
  const { column, id } = order;
  // "after" a cursor means further along the order, "before" means earlier.
  const further = order.direction === 'desc' ? lt : gt;
  const earlier = order.direction === 'desc' ? gt : lt;
  const beyond = (compare: typeof lt, cursor: { value: SortValue; id: string }) =>
    or(compare(column, cursor.value), and(eq(column, cursor.value), compare(id, cursor.id)));
  const where = and(
    window.after ? beyond(further, decodeCursor(order, window.after, 'after')) : undefined,
    window.before ? beyond(earlier, decodeCursor(order, window.before, 'before')) : undefined,
  );
  const forward = order.direction === 'asc' ? asc : desc;
  const backward = order.direction === 'asc' ? desc : asc;
  const direction = window.inverted ? backward : forward;
  return { where, orderBy: [direction(column), direction(id)] };
}

/**
 * Pages rows in keyset order. `load` receives the keyset condition, the ordering and the row
 * limit to apply.
 */
export async function resolveKeysetConnection<Row extends { id: string }>(
  args: ConnectionArgs,
  order: KeysetOrder<Row>,
  load: (query: { where: SQL | undefined; orderBy: SQL[]; limit: number; window: PageWindow }) => Promise<Row[]>,
) {
  assertPageSize(args);
  return resolveCursorConnection(
    { args, toCursor: (row: Row) => encodeCursor(order, row), defaultSize: DEFAULT_PAGE_SIZE, maxSize: MAX_PAGE_SIZE },
    (window: ResolveCursorConnectionArgs) => load({ ...keysetQuery(order, window), limit: window.limit, window }),
  );
}

/** Accepts only what encodeCursor writes: an ISO timestamp in a year PostgreSQL can store. */
function parseDate(text: string): Date | undefined {
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) return undefined;
  const year = date.getUTCFullYear();
  if (year < 1 || year > 9999 || date.toISOString() !== text) return undefined;
  return date;
}

/** Newest first by (created_at, id). */
export function newestFirst<Row extends { createdAt: Date }>(columns: { createdAt: PgColumn; id: PgColumn }): KeysetOrder<Row> {
  return { column: columns.createdAt, id: columns.id, direction: 'desc', valueOf: (row) => row.createdAt, parse: parseDate };
}

/**
 * Pages rows newest first by the key (created_at, id), so a page stays stable while rows are
 * added. `load` receives the keyset condition, the ordering and the row limit to apply.
 */
export async function resolveNewestFirstConnection<Row extends { createdAt: Date; id: string }>(
  args: ConnectionArgs,
  columns: { createdAt: PgColumn; id: PgColumn },
  load: (query: { where: SQL | undefined; orderBy: SQL[]; limit: number }) => Promise<Row[]>,
) {
  return resolveKeysetConnection<Row>(args, newestFirst<Row>(columns), load);
}

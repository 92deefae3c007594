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

interface KeysetCursor {
  createdAt: Date;
  id: string;
}

function encodeCursor(row: KeysetCursor): string {
  return Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString('base64url');
}

function decodeCursor(cursor: string, argName: string): KeysetCursor {
  const [createdAt, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const date = createdAt ? new Date(createdAt) : undefined;
  if (!date || Number.isNaN(date.getTime()) || !id || !/^[0-9a-f-]{36}$/i.test(id)) {
    throw badUserInputError(argName, 'is not a cursor returned by this connection.');
  }
  return { createdAt: date, id };
}

/**
 * Pages rows newest first by the key (created_at, id), so a page stays stable while rows are
 * added. `load` receives the keyset condition, the ordering and the row limit to apply.
 */
export async function resolveNewestFirstConnection<Row extends KeysetCursor>(
  args: ConnectionArgs,
  columns: { createdAt: PgColumn; id: PgColumn },
  load: (query: { where: SQL | undefined; orderBy: SQL[]; limit: number }) => Promise<Row[]>,
) {
  assertPageSize(args);
  return resolveCursorConnection(
    { args, toCursor: encodeCursor, defaultSize: DEFAULT_PAGE_SIZE, maxSize: MAX_PAGE_SIZE },
    ({ before, after, limit, inverted }: ResolveCursorConnectionArgs) => {
      // Newest first: "after" a cursor means older than it, "before" means newer.
      const older = (cursor: KeysetCursor) =>
        or(lt(columns.createdAt, cursor.createdAt), and(eq(columns.createdAt, cursor.createdAt), lt(columns.id, cursor.id)));
      const newer = (cursor: KeysetCursor) =>
        or(gt(columns.createdAt, cursor.createdAt), and(eq(columns.createdAt, cursor.createdAt), gt(columns.id, cursor.id)));
      const where = and(
        after ? older(decodeCursor(after, 'after')) : undefined,
        before ? newer(decodeCursor(before, 'before')) : undefined,
      );
      const orderBy = inverted ? [asc(columns.createdAt), asc(columns.id)] : [desc(columns.createdAt), desc(columns.id)];
      return load({ where, orderBy, limit });
    },
  );
}

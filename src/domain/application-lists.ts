import { and, count, getTableColumns, inArray, lte, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Executor } from '../db/client.js';
import { applicationUsers, rules, scenarios, type ApplicationUserRow, type ScenarioRow } from '../db/schema.js';
import { ruleScenarioIdsColumn, type RuleWithScenarios } from './rules.js';

/**
 * Batched reads of the lists nested in an application (scenarios, rules, users). Each function
 * reads one page for many applications in one statement, so a page of applications costs the
 * same number of statements whatever its size.
 */

/** A page window already turned into SQL by the caller: keyset condition, order and row limit. */
export interface PageQuery {
  where: SQL | undefined;
  orderBy: SQL[];
  limit: number;
}

/** A scenario without its source text, which can be 128 KiB; `sourceSize` is its length in bytes. */
export type ScenarioSummary = Omit<ScenarioRow, 'source'> & { sourceSize: number; source?: string };

function rankWithinApplication(applicationId: PgColumn, orderBy: SQL[]) {
  return sql<number>`row_number() over (partition by ${applicationId} order by ${sql.join(orderBy, sql`, `)})`
    .mapWith(Number)
    .as('rank_in_application');
}

function groupByApplication<Row extends { applicationId: string }>(applicationIds: readonly string[], rows: Row[]): Row[][] {
  const groups = new Map<string, Row[]>(applicationIds.map((id) => [id, []]));
  for (const row of rows) groups.get(row.applicationId)?.push(row);
  return applicationIds.map((id) => groups.get(id) ?? []);
}

/** Loads one page of scenarios for each application, in the order of `applicationIds`. */
export async function loadScenarioPages(db: Executor, applicationIds: readonly string[], page: PageQuery): Promise<ScenarioSummary[][]> {
  const { source: _source, ...columns } = getTableColumns(scenarios);
  const ranked = db
    .select({
      ...columns,
      sourceSize: sql<number>`octet_length(${scenarios.source})`.mapWith(Number).as('source_size'),
      rank: rankWithinApplication(scenarios.applicationId, page.orderBy),
    })
    .from(scenarios)
    .where(and(inArray(scenarios.applicationId, [...applicationIds]), page.where))
    .as('ranked');
  const rows = await db.select().from(ranked).where(lte(ranked.rank, page.limit)).orderBy(ranked.rank);
  return groupByApplication(
    applicationIds,
    rows.map(({ rank: _rank, ...row }) => row),
  );
}

/** Loads one page of rules for each application, with each rule's scenario IDs. */
export async function loadRulePages(db: Executor, applicationIds: readonly string[], page: PageQuery): Promise<RuleWithScenarios[][]> {
  const ranked = db
    .select({
      ...getTableColumns(rules),
      scenarioIds: ruleScenarioIdsColumn.as('scenario_ids'),
      rank: rankWithinApplication(rules.applicationId, page.orderBy),
    })
    .from(rules)
    .where(and(inArray(rules.applicationId, [...applicationIds]), page.where))
    .as('ranked');
  const rows = await db.select().from(ranked).where(lte(ranked.rank, page.limit)).orderBy(ranked.rank);
  return groupByApplication(
    applicationIds,
    rows.map(({ rank: _rank, ...row }) => row),
  );
}

/** Loads one page of client users for each application. */
export async function loadUserPages(db: Executor, applicationIds: readonly string[], page: PageQuery): Promise<ApplicationUserRow[][]> {
  const ranked = db
    .select({
      ...getTableColumns(applicationUsers),
      rank: rankWithinApplication(applicationUsers.applicationId, page.orderBy),
    })
    .from(applicationUsers)
    .where(and(inArray(applicationUsers.applicationId, [...applicationIds]), page.where))
    .as('ranked');
  const rows = await db.select().from(ranked).where(lte(ranked.rank, page.limit)).orderBy(ranked.rank);
  return groupByApplication(
    applicationIds,
    rows.map(({ rank: _rank, ...row }) => row),
  );
}

export type ApplicationList = 'scenarios' | 'rules' | 'users';

const LIST_TABLES = { scenarios, rules, users: applicationUsers } as const;

/** Counts the items each application has in a list, in the order of `applicationIds`. */
export async function countPerApplication(db: Executor, list: ApplicationList, applicationIds: readonly string[]): Promise<number[]> {
  const table = LIST_TABLES[list];
  const rows = await db
    .select({ applicationId: table.applicationId, value: count() })
    .from(table)
    .where(inArray(table.applicationId, [...applicationIds]))
    .groupBy(table.applicationId);
  const counts = new Map(rows.map((row) => [row.applicationId, row.value]));
  return applicationIds.map((id) => counts.get(id) ?? 0);
}

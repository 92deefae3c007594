import DataLoader from 'dataloader';
import type { Executor } from '../db/client.js';
import type { ApplicationUserRow } from '../db/schema.js';
import {
  countPerApplication,
  loadRulePages,
  loadScenarioPages,
  loadUserPages,
  type ApplicationList,
  type PageQuery,
  type ScenarioSummary,
} from '../domain/application-lists.js';
import type { RuleWithScenarios } from '../domain/rules.js';
import { loadScenarioSources } from '../domain/scenarios.js';
import type { PageWindow } from '../schema/pagination.js';

/** Loaders of one kind, one per key (a page window or a list name), created on first use. */
class LoaderSet<Value> {
  private readonly loaders = new Map<string, DataLoader<string, Value>>();

  get(key: string, batch: (ids: readonly string[]) => Promise<Value[]>): DataLoader<string, Value> {
    let loader = this.loaders.get(key);
    if (!loader) {
      loader = new DataLoader(batch);
      this.loaders.set(key, loader);
    }
    return loader;
  }
}

function windowKey(window: PageWindow): string {
  return JSON.stringify([window.after ?? null, window.before ?? null, window.limit, window.inverted]);
}

/**
 * The request's DataLoaders for the lists nested in applications. Each loader is keyed by
 * application ID and batches every application of a response into one statement. One loader
 * exists per list and page window, because fields with different arguments need different SQL.
 * A new instance is made for each request, so nothing is cached across requests or viewers.
 */
export class RequestLoaders {
  private readonly scenarioPages = new LoaderSet<ScenarioSummary[]>();
  private readonly rulePages = new LoaderSet<RuleWithScenarios[]>();
  private readonly userPages = new LoaderSet<ApplicationUserRow[]>();
  private readonly counts = new LoaderSet<number>();
  private readonly sources = new LoaderSet<string | undefined>();

  constructor(private readonly db: Executor) {}

  scenarioPage(window: PageWindow, page: PageQuery): DataLoader<string, ScenarioSummary[]> {
    return this.scenarioPages.get(windowKey(window), (ids) => loadScenarioPages(this.db, ids, page));
  }

  rulePage(window: PageWindow, page: PageQuery): DataLoader<string, RuleWithScenarios[]> {
    return this.rulePages.get(windowKey(window), (ids) => loadRulePages(this.db, ids, page));
  }

  userPage(window: PageWindow, page: PageQuery): DataLoader<string, ApplicationUserRow[]> {
    return this.userPages.get(windowKey(window), (ids) => loadUserPages(this.db, ids, page));
  }

  /** Item counts of one list, keyed by application ID. */
  count(list: ApplicationList): DataLoader<string, number> {
    return this.counts.get(list, (ids) => countPerApplication(this.db, list, ids));
  }

  /** Scenario source texts keyed by scenario ID; lists leave them out because each can be 128 KiB. */
  scenarioSource(): DataLoader<string, string | undefined> {
    return this.sources.get('source', (ids) => loadScenarioSources(this.db, ids));
  }
}

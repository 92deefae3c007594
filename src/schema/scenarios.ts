import { scenarios, type ScenarioRow } from '../db/schema.js';
import type { ScenarioSummary } from '../domain/application-lists.js';
import { createScenario, deleteScenario, findScenario, SCENARIO_SOURCE_MAX_BYTES, updateScenario } from '../domain/scenarios.js';
import { NAME_RULE } from '../domain/validation.js';
import { AlreadyExistsError, InputError, notFoundError } from '../errors.js';
import { actorOf, assertViewer } from '../graphql/viewer.js';
import { ApplicationType } from './applications.js';
import { builder } from './builder.js';
import { newestFirst, resolveKeysetConnection } from './pagination.js';
import { requiresSection } from './sections.js';

// Type

/** A full scenario row, or a list entry that carries the source size instead of the source. */
type ScenarioShape = ScenarioRow | ScenarioSummary;

const SOURCE_LIMIT = `at most ${SCENARIO_SOURCE_MAX_BYTES} bytes (128 KiB) of UTF-8`;

export const ScenarioType = builder.objectRef<ScenarioShape>('Scenario').implement({
  description: 'A JavaScript scenario that the application runs on calls and messages.',
  fields: (t) => ({
    id: t.exposeID('id', { nullable: false, ...requiresSection('SCENARIOS', 'The scenario ID.') }),
    applicationId: t.exposeID('applicationId', {
      nullable: false,
      ...requiresSection('SCENARIOS', 'The application the scenario belongs to.'),
    }),
    name: t.exposeString('name', {
      nullable: false,
      ...requiresSection('SCENARIOS', `Unique in the application, ignoring case; ${NAME_RULE}.`),
    }),
    source: t.string({
      nullable: false,
      ...requiresSection('SCENARIOS', `The JavaScript source text, ${SOURCE_LIMIT}. Stored as given; the API does not parse it.`),
      resolve: async (scenario, _args, context) => {
        if (scenario.source !== undefined) return scenario.source;
        const source = await context.loaders.scenarioSource().load(scenario.id);
        // The scenario was deleted between the list query and this one.
        if (source === undefined) throw notFoundError('Scenario', scenario.id);
        return source;
      },
    }),
    sourceSize: t.int({
      nullable: false,
      ...requiresSection('SCENARIOS', 'Length of the source text in bytes of UTF-8.'),
      resolve: (scenario) => ('sourceSize' in scenario ? scenario.sourceSize : Buffer.byteLength(scenario.source, 'utf8')),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', nullable: false, ...requiresSection('SCENARIOS', 'When it was created.') }),
    updatedAt: t.expose('updatedAt', {
      type: 'DateTime',
      nullable: false,
      ...requiresSection('SCENARIOS', 'When its name or source last changed.'),
    }),
  }),
});

const byNewest = newestFirst<ScenarioShape>(scenarios);

builder.objectField(ApplicationType, 'scenarios', (t) =>
  t.connection(
    {
      type: ScenarioType,
      nullable: true,
      ...requiresSection('SCENARIOS', 'The application\'s scenarios, newest first. At most 100 a page.'),
      resolve: async (application, args, context) => {
        const connection = await resolveKeysetConnection<ScenarioShape>(args, byNewest, ({ window, ...page }) =>
          context.loaders.scenarioPage(window, page).load(application.id),
        );
        return { ...connection, applicationId: application.id };
      },
    },
    {
      name: 'ScenarioConnection',
      fields: (connection) => ({
        totalCount: connection.int({
          nullable: false,
          description: 'All scenarios of the application, on every page.',
          resolve: (parent, _args, context) => context.loaders.count('scenarios').load(parent.applicationId),
        }),
      }),
    },
    { name: 'ScenarioEdge' },
  ),
);

// Queries

builder.queryFields((t) => ({
  scenario: t.field({
    type: ScenarioType,
    ...requiresSection('SCENARIOS', 'One scenario of the account with its source; NOT_FOUND for an unknown ID.'),
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, context) => {
      const viewer = await assertViewer(context);
      const row = await findScenario(context.services.db, viewer.accountId, String(id));
      if (!row) throw notFoundError('Scenario', String(id));
      return row;
    },
  }),
}));

// Inputs

const CreateScenarioInput = builder.inputType('CreateScenarioInput', {
  fields: (t) => ({
    applicationId: t.id({ required: true }),
    name: t.string({ required: true, description: `Unique in the application, ignoring case; ${NAME_RULE}.` }),
    source: t.string({ required: true, description: `JavaScript source text, ${SOURCE_LIMIT}.` }),
  }),
});

const UpdateScenarioInput = builder.inputType('UpdateScenarioInput', {
  description: 'Fields left out or null stay unchanged.',
  fields: (t) => ({
    id: t.id({ required: true }),
    name: t.string({ description: `Unique in the application, ignoring case; ${NAME_RULE}.` }),
    source: t.string({ description: `JavaScript source text, ${SOURCE_LIMIT}.` }),
  }),
});

const DeleteScenarioInput = builder.inputType('DeleteScenarioInput', {
  fields: (t) => ({ id: t.id({ required: true }) }),
});

// Mutations

const ScenarioPayload = builder.objectRef<{ scenario: ScenarioRow }>('ScenarioPayload').implement({
  isTypeOf: (value) => typeof value === 'object' && value !== null && 'scenario' in value,
  fields: (t) => ({ scenario: t.field({ type: ScenarioType, nullable: false, resolve: (payload) => payload.scenario }) }),
});

const DeleteScenarioPayload = builder.objectRef<{ deletedScenarioId: string }>('DeleteScenarioPayload').implement({
  isTypeOf: (value) => typeof value === 'object' && value !== null && 'deletedScenarioId' in value,
  fields: (t) => ({ deletedId: t.exposeID('deletedScenarioId', { nullable: false }) }),
});

builder.mutationFields((t) => ({
  createScenario: t.field({
    type: ScenarioPayload,
    ...requiresSection('SCENARIOS', 'Creates a scenario in an application; NOT_FOUND for an unknown application.'),
    errors: { types: [InputError, AlreadyExistsError], union: { name: 'CreateScenarioResult' } },
    args: { input: t.arg({ type: CreateScenarioInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const viewer = await assertViewer(context);
      const applicationId = String(input.applicationId);
      const scenario = await createScenario(context.services.db, actorOf(viewer, context), applicationId, input);
      if (!scenario) throw notFoundError('Application', applicationId);
      return { scenario };
    },
  }),
  updateScenario: t.field({
    type: ScenarioPayload,
    ...requiresSection('SCENARIOS', 'Changes a scenario\'s name or source.'),
    errors: { types: [InputError, AlreadyExistsError], union: { name: 'UpdateScenarioResult' } },
    args: { input: t.arg({ type: UpdateScenarioInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const viewer = await assertViewer(context);
      const id = String(input.id);
      const scenario = await updateScenario(context.services.db, actorOf(viewer, context), id, input);
      if (!scenario) throw notFoundError('Scenario', id);
      return { scenario };
    },
  }),
  deleteScenario: t.field({
    type: DeleteScenarioPayload,
    ...requiresSection('SCENARIOS', 'Deletes a scenario and removes it from the rules that run it.'),
    args: { input: t.arg({ type: DeleteScenarioInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const viewer = await assertViewer(context);
      const id = String(input.id);
      const row = await deleteScenario(context.services.db, actorOf(viewer, context), id);
      if (!row) throw notFoundError('Scenario', id);
      return { deletedScenarioId: row.id };
    },
  }),
}));

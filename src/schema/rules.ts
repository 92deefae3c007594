import { rules, type RuleRow } from '../db/schema.js';
import {
  createRule,
  deleteRule,
  findRule,
  reorderRules,
  RULE_PATTERN_MAX_LENGTH,
  RULE_SCENARIOS_MAX,
  updateRule,
  type RuleWithScenarios,
} from '../domain/rules.js';
import { NAME_RULE } from '../domain/validation.js';
import { InputError, notFoundError } from '../errors.js';
import { actorOf, assertViewer } from '../graphql/viewer.js';
import { ApplicationType } from './applications.js';
import { builder } from './builder.js';
import { resolveKeysetConnection, type KeysetOrder } from './pagination.js';
import { requiresSection } from './sections.js';

const PATTERN_RULE =
  `a JavaScript regular expression of 1 to ${RULE_PATTERN_MAX_LENGTH} characters, without slashes or flags; ` +
  'it must compile with `new RegExp(pattern)`';

// Type

export const RuleType = builder.objectRef<RuleWithScenarios>('Rule').implement({
  description:
    'A routing rule: calls and messages whose destination matches `pattern` and not `excludePattern` run the ' +
    'rule\'s scenarios. The application tries its rules in ascending `position`.',
  fields: (t) => ({
    id: t.exposeID('id', { nullable: false, ...requiresSection('RULES', 'The rule ID.') }),
    applicationId: t.exposeID('applicationId', { nullable: false, ...requiresSection('RULES', 'The application the rule belongs to.') }),
    name: t.exposeString('name', { nullable: false, ...requiresSection('RULES', `The rule name; ${NAME_RULE}.`) }),
    pattern: t.exposeString('pattern', { nullable: false, ...requiresSection('RULES', `The destinations it matches: ${PATTERN_RULE}.`) }),
    excludePattern: t.exposeString('excludePattern', {
      ...requiresSection('RULES', 'Destinations it skips although `pattern` matches them; null for none.'),
    }),
    scenarioIds: t.field({
      type: ['ID'],
      nullable: false,
      ...requiresSection('RULES', 'The scenarios the rule runs, in run order; all belong to the rule\'s application.'),
      resolve: (rule) => rule.scenarioIds,
    }),
    position: t.exposeInt('position', {
      nullable: false,
      ...requiresSection('RULES', '0-based place among the application\'s rules; change it with reorderRules.'),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', nullable: false, ...requiresSection('RULES', 'When it was created.') }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', nullable: false, ...requiresSection('RULES', 'When it last changed.') }),
  }),
});

/** Run order; positions are dense, and the ID only breaks ties while a reorder commits. */
const byPosition: KeysetOrder<RuleRow> = {
  column: rules.position,
  id: rules.id,
  direction: 'asc',
  valueOf: (rule) => rule.position,
  parse: (text) => (/^\d{1,9}$/.test(text) ? Number(text) : undefined),
};

builder.objectField(ApplicationType, 'rules', (t) =>
  t.connection(
    {
      type: RuleType,
      nullable: true,
      ...requiresSection(
        'RULES',
        'The application\'s rules in run order (ascending position). At most 100 a page. A cursor stays valid ' +
          'across reorderRules but then points at the same position, not the same rule.',
      ),
      resolve: async (application, args, context) => {
        const connection = await resolveKeysetConnection<RuleWithScenarios>(args, byPosition, ({ window, ...page }) =>
          context.loaders.rulePage(window, page).load(application.id),
        );
        return { ...connection, applicationId: application.id };
      },
    },
    {
      name: 'RuleConnection',
      fields: (connection) => ({
        totalCount: connection.int({
          nullable: false,
          description: 'All rules of the application, on every page.',
          resolve: (parent, _args, context) => context.loaders.count('rules').load(parent.applicationId),
        }),
      }),
    },
    { name: 'RuleEdge' },
  ),
);

// Queries

builder.queryFields((t) => ({
  rule: t.field({
    type: RuleType,
    ...requiresSection('RULES', 'One rule of the account; NOT_FOUND for an unknown ID.'),
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, context) => {
      const viewer = await assertViewer(context);
      const row = await findRule(context.services.db, viewer.accountId, String(id));
      if (!row) throw notFoundError('Rule', String(id));
      return row;
    },
  }),
}));

// Inputs

const SCENARIO_IDS_RULE = `Up to ${RULE_SCENARIOS_MAX} scenarios of the rule's own application, each once, in run order.`;

const CreateRuleInput = builder.inputType('CreateRuleInput', {
  fields: (t) => ({
    applicationId: t.id({ required: true }),
    name: t.string({ required: true, description: NAME_RULE }),
    pattern: t.string({ required: true, description: `${PATTERN_RULE}.` }),
    excludePattern: t.string({ description: `Optional; ${PATTERN_RULE}.` }),
    scenarioIds: t.idList({ required: true, description: SCENARIO_IDS_RULE }),
    position: t.int({
      description: '0-based place among the application\'s rules; the rules from there on move one down. Default: last.',
    }),
  }),
});

const UpdateRuleInput = builder.inputType('UpdateRuleInput', {
  description: 'Fields left out or null stay unchanged; an empty exclude pattern clears it.',
  fields: (t) => ({
    id: t.id({ required: true }),
    name: t.string({ description: NAME_RULE }),
    pattern: t.string({ description: `${PATTERN_RULE}.` }),
    excludePattern: t.string({ description: `${PATTERN_RULE}.` }),
    scenarioIds: t.idList({ description: `Replaces the whole list. ${SCENARIO_IDS_RULE}` }),
  }),
});

const DeleteRuleInput = builder.inputType('DeleteRuleInput', {
  fields: (t) => ({ id: t.id({ required: true }) }),
});

const ReorderRulesInput = builder.inputType('ReorderRulesInput', {
  fields: (t) => ({
    applicationId: t.id({ required: true }),
    ruleIds: t.idList({
      required: true,
      description: 'Every rule of the application exactly once, in the new run order.',
    }),
  }),
});

// Mutations

const RulePayload = builder.objectRef<{ rule: RuleWithScenarios }>('RulePayload').implement({
  isTypeOf: (value) => typeof value === 'object' && value !== null && 'rule' in value,
  fields: (t) => ({ rule: t.field({ type: RuleType, nullable: false, resolve: (payload) => payload.rule }) }),
});

const ReorderRulesPayload = builder.objectRef<{ rules: RuleWithScenarios[] }>('ReorderRulesPayload').implement({
  isTypeOf: (value) => typeof value === 'object' && value !== null && 'rules' in value,
  fields: (t) => ({
    rules: t.field({
      type: [RuleType],
      nullable: false,
      description: 'Every rule of the application in its new order.',
      resolve: (payload) => payload.rules,
    }),
  }),
});

const DeleteRulePayload = builder.objectRef<{ deletedRuleId: string }>('DeleteRulePayload').implement({
  isTypeOf: (value) => typeof value === 'object' && value !== null && 'deletedRuleId' in value,
  fields: (t) => ({ deletedId: t.exposeID('deletedRuleId', { nullable: false }) }),
});

const ids = (values: ReadonlyArray<string | number>) => values.map(String);

builder.mutationFields((t) => ({
  createRule: t.field({
    type: RulePayload,
    ...requiresSection('RULES', 'Creates a routing rule in an application; NOT_FOUND for an unknown application.'),
    errors: { types: [InputError], union: { name: 'CreateRuleResult' } },
    args: { input: t.arg({ type: CreateRuleInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const viewer = await assertViewer(context);
      const applicationId = String(input.applicationId);
      const rule = await createRule(context.services.db, actorOf(viewer, context), applicationId, {
        ...input,
        scenarioIds: ids(input.scenarioIds),
      });
      if (!rule) throw notFoundError('Application', applicationId);
      return { rule };
    },
  }),
  updateRule: t.field({
    type: RulePayload,
    ...requiresSection('RULES', 'Changes a rule\'s name, patterns or scenarios.'),
    errors: { types: [InputError], union: { name: 'UpdateRuleResult' } },
    args: { input: t.arg({ type: UpdateRuleInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const viewer = await assertViewer(context);
      const id = String(input.id);
      const rule = await updateRule(context.services.db, actorOf(viewer, context), id, {
        ...input,
        scenarioIds: input.scenarioIds ? ids(input.scenarioIds) : null,
      });
      if (!rule) throw notFoundError('Rule', id);
      return { rule };
    },
  }),
  deleteRule: t.field({
    type: DeleteRulePayload,
    ...requiresSection('RULES', 'Deletes a rule; the rules after it move one place up.'),
    args: { input: t.arg({ type: DeleteRuleInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const viewer = await assertViewer(context);
      const id = String(input.id);
      const row = await deleteRule(context.services.db, actorOf(viewer, context), id);
      if (!row) throw notFoundError('Rule', id);
      return { deletedRuleId: row.id };
    },
  }),
  reorderRules: t.field({
    type: ReorderRulesPayload,
    ...requiresSection('RULES', 'Sets the run order of all rules of an application at once.'),
    errors: { types: [InputError], union: { name: 'ReorderRulesResult' } },
    args: { input: t.arg({ type: ReorderRulesInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const viewer = await assertViewer(context);
      const applicationId = String(input.applicationId);
      const ordered = await reorderRules(context.services.db, actorOf(viewer, context), applicationId, ids(input.ruleIds));
      if (!ordered) throw notFoundError('Application', applicationId);
      return { rules: ordered };
    },
  }),
}));

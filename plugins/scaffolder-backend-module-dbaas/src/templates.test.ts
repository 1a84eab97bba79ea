import { mockServices } from '@backstage/backend-test-utils';
import { templateEntityV1beta3Validator } from '@backstage/plugin-scaffolder-common';
import type { TemplateAction } from '@backstage/plugin-scaffolder-node';
import yaml from 'js-yaml';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  cdcTableForms,
  createCdcPipelineRequestSchema,
  DBAAS_ENTITY_TYPE,
  DbaasClient,
  serviceNameSchema,
} from '@internal/backstage-plugin-dbaas-common';
import { createDbaasActions } from './actions/createDbaasActions';

// The repository's templates/ use these actions; a renamed input would only
// show when someone runs the template, so they are checked here.
const templatesLocation = resolve(__dirname, '../../../templates/all.yaml');

const actions = new Map<string, TemplateAction<any, any, any>>(
  createDbaasActions({
    client: new DbaasClient({ discoveryApi: mockServices.discovery() }),
    auth: mockServices.auth(),
    permissions: mockServices.permissions(),
  }).map(action => [action.id, action]),
);

const location = yaml.load(readFileSync(templatesLocation, 'utf8')) as any;
const read = (target: string) =>
  yaml.load(
    readFileSync(resolve(dirname(templatesLocation), target), 'utf8'),
  ) as any;
const templates = (location.spec.targets as string[]).map(
  target => [target, read(target)] as const,
);

/** The template's form fields, all pages together, in order. */
const fieldsOf = (template: any): Record<string, any> =>
  Object.assign(
    {},
    ...template.spec.parameters.map((page: any) => page.properties),
  );

/** Whether a form field with `pattern` and `maxLength` accepts the value. */
const formAccepts = (
  field: { pattern: string; maxLength: number },
  value: string,
) => new RegExp(field.pattern).test(value) && value.length <= field.maxLength;

/** Every `steps.<id>.output.<name>` a part of a template reads. */
const outputsRead = (part: unknown) =>
  [...JSON.stringify(part).matchAll(/steps\.([\w-]+)\.output\.(\w+)/g)].map(
    ([, step, output]) => ({ step, output }),
  );

describe('templates/', () => {
  it('registers the DBaaS templates, restores into a new database among them', () => {
    expect(templates.map(([, t]) => t.metadata.name).sort()).toEqual([
      'change-backup-schedule',
      'decommission-database',
      'new-database',
      'restore-database',
      'scale-database',
      'stream-database-changes',
      'upgrade-database',
    ]);
  });

  it('restores into a new database the form names, and links to it', () => {
    const template = templates.find(
      ([, t]) => t.metadata.name === 'restore-database',
    )?.[1];
    expect(template?.metadata.name).toBe('restore-database');
    const fields = fieldsOf(template);
    expect(Object.keys(fields)).toEqual([
      'database',
      'current',
      'backupId',
      'pointInTime',
      'targetName',
    ]);
    // The new name follows the rule of every database name.
    for (const name of [
      'orders-copy',
      'a',
      'x'.repeat(40),
      'x'.repeat(41),
      'Orders',
      '-a',
      '1a',
    ]) {
      expect({ name, accepted: formAccepts(fields.targetName, name) }).toEqual({
        name,
        accepted: serviceNameSchema.safeParse(name).success,
      });
    }
    const [step] = template.spec.steps;
    expect(step.input).toMatchObject({
      restore: {
        backupId: '${{ parameters.backupId }}',
        pointInTime: '${{ parameters.pointInTime }}',
      },
      targetName: '${{ parameters.targetName }}',
    });
    expect(template.spec.output.links[0]).toEqual({
      title: 'Open the new database',
      icon: 'catalog',
      entityRef: '${{ steps.restore.output.targetEntityRef }}',
    });
  });

  describe('stream-database-changes', () => {
    const template = templates.find(
      ([, t]) => t.metadata.name === 'stream-database-changes',
    )?.[1];
    const fields = fieldsOf(template);
    /** Whether the API takes a pipeline of the name and tables. */
    const apiAccepts = (request: { name?: string; tables?: string[] }) =>
      createCdcPipelineRequestSchema.safeParse({
        name: 'orders-feed',
        tables: ['public.orders'],
        ...request,
      }).success;

    it('asks for the database, the pipeline\u2019s name, its tables and where to start', () => {
      expect(template?.metadata.title).toBe('Stream changes from a database');
      expect(Object.keys(fields)).toEqual([
        'database',
        'current',
        'name',
        'tables',
        'snapshot',
      ]);
    });

    it.each([
      'orders-feed',
      'a',
      'x'.repeat(40),
      'x'.repeat(41),
      'Orders',
      'orders_feed',
      '-orders',
      'orders-',
      '1orders',
      '',
    ])('takes the pipeline name %j as the API does', name => {
      expect(formAccepts(fields.name, name)).toBe(apiAccepts({ name }));
    });

    it.each([
      'public.orders',
      'orders',
      'shop.public.orders',
      'public.order-lines',
      'public.',
      '.orders',
      'public.orders$',
      `${'a'.repeat(63)}.${'b'.repeat(63)}`,
      `${'a'.repeat(64)}.b`,
    ])('takes the table %j as the API does', table => {
      expect(formAccepts(fields.tables.items, table)).toBe(
        apiAccepts({ tables: [table] }),
      );
    });

    it('explains how a PostgreSQL table is named, and offers both snapshot modes', () => {
      const { parts, example } = cdcTableForms.postgresql;
      expect(fields.tables.description).toContain(
        `on PostgreSQL ${parts.join('.')}, such as ${example}`,
      );
      expect(fields.tables).toMatchObject({ minItems: 1, maxItems: 100 });
      expect(fields.snapshot.default).toBe('initial');
      expect(fields.snapshot.oneOf).toEqual([
        { const: 'initial', title: 'Existing rows first, then changes' },
        { const: 'never', title: 'Only changes from now' },
      ]);
      for (const { const: snapshot } of fields.snapshot.oneOf) {
        expect(
          createCdcPipelineRequestSchema.safeParse({
            name: 'orders-feed',
            tables: ['public.orders'],
            snapshot,
          }).success,
        ).toBe(true);
      }
    });

    it('creates the pipeline from the form and links to the database\u2019s CDC tab', () => {
      const [step] = template.spec.steps;
      expect(step).toMatchObject({
        action: 'dbaas:cdc:create',
        input: {
          database: '${{ parameters.database }}',
          name: '${{ parameters.name }}',
          tables: '${{ parameters.tables }}',
          snapshot: '${{ parameters.snapshot }}',
        },
      });
      expect(template.spec.output.links).toEqual([
        {
          title: 'Open the CDC tab',
          icon: 'dashboard',
          url: '${{ steps.cdc.output.cdcTabUrl }}',
        },
        {
          title: 'Open the database',
          icon: 'catalog',
          entityRef: '${{ steps.cdc.output.entityRef }}',
        },
      ]);
    });
  });

  it('upgrades to a version the picked database\u2019s engine allows, through dbaas:service:upgrade', () => {
    const template = templates.find(
      ([, t]) => t.metadata.name === 'upgrade-database',
    )?.[1];
    const { version } = fieldsOf(template);
    expect(version).toMatchObject({
      type: 'string',
      'ui:field': 'DbaasUpgradeVersionPicker',
      'ui:options': { databaseField: 'database' },
    });
    expect(template.spec.parameters[0].required).toEqual([
      'database',
      'version',
    ]);
    expect(template.spec.steps).toEqual([
      {
        id: 'upgrade',
        name: 'Upgrade the database',
        action: 'dbaas:service:upgrade',
        input: {
          database: '${{ parameters.database }}',
          version: '${{ parameters.version }}',
        },
      },
    ]);
  });

  describe.each(templates)('%s', (_target, template) => {
    it('is a valid Template owned by the platform team', async () => {
      await expect(
        templateEntityV1beta3Validator.check(template),
      ).resolves.toBe(true);
      expect(template.spec.owner).toBe('group:default/platform');
    });

    it('gives each dbaas step only inputs the action knows, and all it needs', () => {
      for (const step of template.spec.steps) {
        const action = actions.get(step.action);
        expect({ step: step.id, known: !!action }).toEqual({
          step: step.id,
          known: true,
        });
        const schema = action!.schema!.input as any;
        const known = Object.keys(schema.properties);
        expect(Object.keys(step.input)).toEqual(
          expect.arrayContaining(schema.required ?? []),
        );
        for (const input of Object.keys(step.input)) {
          expect({
            step: step.id,
            input,
            known: known.includes(input),
          }).toEqual({ step: step.id, input, known: true });
        }
      }
    });

    it('reads only outputs its steps declare', () => {
      const steps = new Map<string, any>(
        template.spec.steps.map((step: any) => [step.id, step]),
      );
      for (const { step, output } of outputsRead(template.spec)) {
        const schema = actions.get(steps.get(step)?.action)?.schema
          ?.output as any;
        expect({
          step,
          output,
          declared: Object.keys(schema?.properties ?? {}).includes(output),
        }).toEqual({ step, output, declared: true });
      }
    });

    it('orders for one of the user\u2019s teams, or changes one of their teams\u2019 databases, showing its current settings', () => {
      const { tenant, database, current } = fieldsOf(template);
      const ordering = template.metadata.name === 'new-database';
      expect(tenant?.['ui:field']).toBe(
        ordering ? 'MyGroupsPicker' : undefined,
      );
      if (ordering) return;
      // A day-2 template: the database is picked among those the user's
      // teams own, never typed, and its settings shown after it.
      expect(template.metadata.tags).toContain('day-2');
      expect(fieldsOf(template)).not.toHaveProperty('tenant');
      expect(database).toMatchObject({
        type: 'string',
        'ui:field': 'OwnedEntityPicker',
        'ui:options': {
          catalogFilter: { kind: 'Resource', 'spec.type': DBAAS_ENTITY_TYPE },
          allowArbitraryValues: false,
        },
      });
      expect(template.spec.parameters[0].required).toContain('database');
      expect(current).toMatchObject({
        'ui:field': 'DbaasDatabaseSettings',
        'ui:options': { databaseField: 'database' },
      });
      for (const step of template.spec.steps) {
        expect(step.input.database).toBe('${{ parameters.database }}');
      }
    });
  });
});

import { mockServices } from '@backstage/backend-test-utils';
import { templateEntityV1beta3Validator } from '@backstage/plugin-scaffolder-common';
import type { TemplateAction } from '@backstage/plugin-scaffolder-node';
import yaml from 'js-yaml';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DbaasClient } from '@internal/backstage-plugin-dbaas-common';
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
    ]);
  });

  it('restores into a new database the form names, and links to it', () => {
    const template = templates.find(
      ([, t]) => t.metadata.name === 'restore-database',
    )?.[1];
    expect(template?.metadata.name).toBe('restore-database');
    const fields = Object.assign(
      {},
      ...template.spec.parameters.map((page: any) => page.properties),
    );
    expect(Object.keys(fields)).toEqual([
      'tenant',
      'name',
      'backupId',
      'pointInTime',
      'targetName',
    ]);
    // The new name follows the rule of every database name.
    expect(fields.targetName).toMatchObject({
      pattern: fields.name.pattern,
      maxLength: fields.name.maxLength,
    });
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

    it('asks for the tenant among the user\u2019s own teams', () => {
      const tenant = template.spec.parameters
        .map((page: any) => page.properties?.tenant)
        .find(Boolean);
      expect(tenant['ui:field']).toBe('MyGroupsPicker');
    });
  });
});

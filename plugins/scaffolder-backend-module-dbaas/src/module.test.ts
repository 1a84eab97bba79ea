import { startTestBackend } from '@backstage/backend-test-utils';
import {
  scaffolderActionsExtensionPoint,
  type TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import { scaffolderModuleDbaas } from './module';

describe('scaffolderModuleDbaas', () => {
  it('adds the dbaas actions to the scaffolder, each with examples', async () => {
    const actions: TemplateAction<any, any, any>[] = [];
    await startTestBackend({
      extensionPoints: [
        [
          scaffolderActionsExtensionPoint,
          {
            addActions: (...added: TemplateAction<any, any, any>[]) =>
              actions.push(...added),
          },
        ],
      ],
      features: [scaffolderModuleDbaas],
    });

    expect(actions.map(a => a.id)).toEqual([
      'dbaas:claim:validate',
      'dbaas:claim:publish',
      'dbaas:claim:wait',
      'dbaas:service:configure',
      'dbaas:service:scale',
      'dbaas:service:upgrade',
      'dbaas:service:restore',
      'dbaas:service:decommission',
      'dbaas:cdc:create',
    ]);
    for (const action of actions) {
      expect(action.examples?.length).toBeGreaterThan(0);
      // Every input and output is documented for the template editor.
      const properties = {
        ...(action.schema?.input as any).properties,
        ...(action.schema?.output as any).properties,
      };
      for (const [name, schema] of Object.entries<any>(properties)) {
        expect({ name, description: schema.description }).toEqual({
          name,
          description: expect.any(String),
        });
      }
    }
  });
});

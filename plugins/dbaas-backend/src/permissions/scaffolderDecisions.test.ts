import {
  AuthorizeResult,
  type ConditionalPolicyDecision,
  type Permission,
} from '@backstage/plugin-permission-common';
import type { PolicyQueryUser } from '@backstage/plugin-permission-node';
import {
  actionExecutePermission,
  taskCancelPermission,
  taskCreatePermission,
  taskReadPermission,
  templateDryRunPermission,
  templateManagementPermission,
  templateParameterReadPermission,
  templateStepReadPermission,
} from '@backstage/plugin-scaffolder-common/alpha';
import { DbaasPermissionPolicy } from './DbaasPermissionPolicy';
import { scaffolderDecisions } from './scaffolderDecisions';

const policy = new DbaasPermissionPolicy({
  platformAdmins: ['group:default/platform'],
  decisions: scaffolderDecisions,
});

const userOf = (ref: string, groups: string[]) =>
  ({
    info: { userEntityRef: ref, ownershipEntityRefs: [ref, ...groups] },
  } as unknown as PolicyQueryUser);

const ADA = userOf('user:default/ada', ['group:default/payments']);
const ROOT = userOf('user:default/root', ['group:default/platform']);

const decide = (permission: Permission, user?: PolicyQueryUser) =>
  policy.handle({ permission }, user);

describe('scaffolderDecisions', () => {
  it.each([taskReadPermission, taskCancelPermission])(
    'limits $name to the tasks the user started, with the scaffolder\u2019s own rule',
    async permission => {
      const decision = (await decide(
        permission,
        ADA,
      )) as ConditionalPolicyDecision;
      expect(decision).toEqual({
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'scaffolder',
        resourceType: 'scaffolder-task',
        conditions: {
          rule: 'IS_TASK_OWNER',
          resourceType: 'scaffolder-task',
          params: { createdBy: ['user:default/ada'] },
        },
      });
    },
  );

  it.each([taskReadPermission, taskCancelPermission])(
    'lets platform admins and plugins see and cancel every task ($name)',
    async permission => {
      expect((await decide(permission, ROOT)).result).toBe(
        AuthorizeResult.ALLOW,
      );
      expect((await decide(permission)).result).toBe(AuthorizeResult.ALLOW);
    },
  );

  it.each([
    taskCreatePermission,
    templateParameterReadPermission,
    templateStepReadPermission,
    actionExecutePermission,
  ])(
    'lets a user run the catalog\u2019s templates ($name)',
    async permission => {
      expect((await decide(permission, ADA)).result).toBe(
        AuthorizeResult.ALLOW,
      );
    },
  );

  it.each([templateDryRunPermission, templateManagementPermission])(
    'keeps $name (template authoring) for platform admins',
    async permission => {
      expect((await decide(permission, ADA)).result).toBe(AuthorizeResult.DENY);
      expect((await decide(permission, ROOT)).result).toBe(
        AuthorizeResult.ALLOW,
      );
    },
  );
});

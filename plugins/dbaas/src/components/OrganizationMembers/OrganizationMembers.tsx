import {
  Progress,
  Table,
  WarningPanel,
  type TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import type {
  Organization,
  RoleGrant,
} from '@internal/backstage-plugin-dbaas-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import AddIcon from '@material-ui/icons/Add';
import { useMemo, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { dbaasApiRef } from '../../api/DbaasApi';
import { apiErrorMessage } from '../../utils/apiErrorMessage';
import { ActorName } from '../ActorName';
import type { OrganizationPermissions } from '../OrganizationPage/useOrganizationPermissions';
import { Timestamp } from '../Timestamp';
import { RevokeDialog } from './RevokeDialog';
import { RoleDialog } from './RoleDialog';
import { ROLE_NAMES } from './roleChoices';

type Dialog =
  | { kind: 'grant' }
  | { kind: 'change'; grant: RoleGrant }
  | { kind: 'revoke'; grant: RoleGrant };

const isOwner = (grant: RoleGrant) =>
  grant.source === 'grant' && grant.role === 'org-owner' && !grant.tenant;

const Note = (props: { children: string }) => (
  <Typography variant="caption" color="textSecondary" display="block">
    {props.children}
  </Typography>
);

/**
 * What the user may do with one row: change or revoke it, or why not. The
 * last owner stays (the API refuses too), an owner's role is for owners to
 * change, and a team's members are its service admins by catalog membership.
 */
function rowActions(
  grant: RoleGrant,
  context: {
    permissions: OrganizationPermissions;
    lastOwner: boolean;
    open: (dialog: Dialog) => void;
    tenantTitle: (ref: string) => string;
  },
) {
  const { permissions, lastOwner, open } = context;
  if (grant.source === 'team') {
    return <Note>Team membership: change it in the catalog.</Note>;
  }
  if (isOwner(grant) && lastOwner) {
    return (
      <Note>
        The last owner: make another user or group owner first, then change or
        revoke this role.
      </Note>
    );
  }
  if (grant.role === 'org-owner' && !permissions.manageOwners) {
    return <Note>Only an owner changes an owner's role.</Note>;
  }
  // The visible words first: the accessible name must hold them (WCAG 2.5.3).
  const what = `role of ${grant.principal}${
    grant.tenant ? ` on ${context.tenantTitle(grant.tenant)}` : ''
  }`;
  return (
    <Box display="flex" style={{ gap: 8, whiteSpace: 'nowrap' }}>
      <Button
        size="small"
        variant="outlined"
        aria-label={`Change ${what}`}
        onClick={() => open({ kind: 'change', grant })}
      >
        Change role
      </Button>
      <Button
        size="small"
        aria-label={`Revoke ${what}`}
        onClick={() => open({ kind: 'revoke', grant })}
      >
        Revoke
      </Button>
    </Box>
  );
}

/**
 * An organization's members: the roles granted in it, on the whole of it or
 * one tenant, and its tenants' teams, whose members are their tenant's
 * service admins. Who manages members grants, changes and revokes roles;
 * only owners touch owners' roles, and the last owner cannot be removed or
 * demoted.
 */
export const OrganizationMembers = (props: {
  organization: Organization;
  permissions: OrganizationPermissions;
}) => {
  const { organization, permissions } = props;
  const dbaasApi = useApi(dbaasApiRef);
  const members = useAsyncRetry(
    () => dbaasApi.listMembers(organization.id),
    [dbaasApi, organization.id],
  );
  const [dialog, setDialog] = useState<Dialog>();

  const lastOwner = (members.value ?? []).filter(isOwner).length === 1;
  const columns = useMemo((): TableColumn<RoleGrant>[] => {
    const tenantTitle = (ref: string) =>
      organization.tenants.find(t => t.id === ref)?.title ?? ref;
    const all: TableColumn<RoleGrant>[] = [
      {
        title: 'User or group',
        render: grant =>
          grant.source === 'team' ? (
            <>
              Members of <ActorName actor={grant.principal} />
            </>
          ) : (
            <ActorName actor={grant.principal} />
          ),
      },
      { title: 'Role', render: grant => ROLE_NAMES[grant.role].label },
      {
        title: 'On',
        render: grant =>
          grant.tenant ? tenantTitle(grant.tenant) : 'Whole organization',
      },
      {
        title: 'Granted',
        render: grant =>
          grant.source === 'team' ? (
            'By team membership'
          ) : (
            <>
              by {grant.grantedBy && <ActorName actor={grant.grantedBy} />}
              {grant.grantedAt && (
                <>
                  , <Timestamp at={grant.grantedAt} />
                </>
              )}
            </>
          ),
      },
    ];
    if (permissions.manageMembers) {
      all.push({
        title: 'Actions',
        render: grant =>
          rowActions(grant, {
            permissions,
            lastOwner,
            open: setDialog,
            tenantTitle,
          }),
      });
    }
    return all;
  }, [organization, permissions, lastOwner]);

  if (members.error) {
    return (
      <WarningPanel
        severity="error"
        title="Could not load the members"
        message={apiErrorMessage(members.error)}
        defaultExpanded
      />
    );
  }
  if (!members.value) return <Progress aria-label="Loading the members" />;

  const done = () => {
    setDialog(undefined);
    members.retry();
  };
  return (
    <>
      {permissions.manageMembers && (
        <Box mb={2}>
          <Button
            variant="contained"
            color="primary"
            startIcon={<AddIcon />}
            onClick={() => setDialog({ kind: 'grant' })}
          >
            Grant a role
          </Button>
        </Box>
      )}
      <Table<RoleGrant>
        title={`Members and roles (${members.value.length})`}
        columns={columns}
        data={members.value}
        options={{
          paging: members.value.length > 20,
          pageSize: 20,
          search: false,
          // material-table's sort label nests focusable elements (axe).
          sorting: false,
          padding: 'dense',
        }}
      />
      {dialog?.kind === 'grant' && (
        <RoleDialog
          organization={organization}
          manageOwners={permissions.manageOwners}
          onClose={() => setDialog(undefined)}
          onDone={done}
        />
      )}
      {dialog?.kind === 'change' && (
        <RoleDialog
          organization={organization}
          grant={dialog.grant}
          manageOwners={permissions.manageOwners}
          onClose={() => setDialog(undefined)}
          onDone={done}
        />
      )}
      {dialog?.kind === 'revoke' && (
        <RevokeDialog
          organization={organization}
          grant={dialog.grant}
          onClose={() => setDialog(undefined)}
          onDone={done}
        />
      )}
    </>
  );
};

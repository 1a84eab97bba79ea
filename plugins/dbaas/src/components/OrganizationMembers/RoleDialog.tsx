import { useApi } from '@backstage/frontend-plugin-api';
import type {
  DbaasRole,
  Organization,
  RoleGrant,
} from '@internal/backstage-plugin-dbaas-common';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import { dbaasApiRef } from '../../api/DbaasApi';
import { ActionDialog } from '../ActionDialog';
import { useErrorTextClass } from '../../utils/useErrorTextClass';
import { grantableRoles, ROLE_NAMES } from './roleChoices';
import { principalRef } from './principalRef';

/** The scope select's value for the whole organization. */
const WHOLE = '';

/**
 * Grants a user or group a role, or (given `grant`) changes the role one
 * holds on its scope: both are a grant, which replaces the role held there.
 * Offers only the roles the user may grant on the scope chosen.
 */
export const RoleDialog = (props: {
  organization: Organization;
  /** The grant whose role changes; a new grant when absent. */
  grant?: RoleGrant;
  manageOwners: boolean;
  onClose: () => void;
  onDone: (grant: RoleGrant) => void;
}) => {
  const { organization, grant, manageOwners } = props;
  const dbaasApi = useApi(dbaasApiRef);
  const [principal, setPrincipal] = useState(grant?.principal ?? '');
  const [touched, setTouched] = useState(false);
  const [tenant, setTenant] = useState(grant?.tenant ?? WHOLE);
  const roles = grantableRoles(tenant === WHOLE, manageOwners);
  const [role, setRole] = useState<DbaasRole | ''>(
    grant && roles.includes(grant.role) ? grant.role : '',
  );
  const errorText = useErrorTextClass();
  const errorProps = {
    InputLabelProps: { classes: { error: errorText } },
    FormHelperTextProps: { classes: { error: errorText } },
  };

  const parsed = principalRef(principal);
  const tenantTitle = (ref: string) =>
    organization.tenants.find(t => t.id === ref)?.title ?? ref;

  const changeScope = (next: string) => {
    setTenant(next);
    // A role of the whole organization cannot be held on a tenant.
    if (role && !grantableRoles(next === WHOLE, manageOwners).includes(role)) {
      setRole('');
    }
  };

  const submit = async () => {
    setTouched(true);
    if (!parsed.ref || !role) return;
    props.onDone(
      await dbaasApi.grantRole(organization.id, {
        principal: parsed.ref,
        role,
        ...(tenant !== WHOLE ? { tenant } : {}),
      }),
    );
  };

  const title = grant
    ? `Change the role of ${grant.principal}`
    : `Grant a role in ${organization.title}`;
  return (
    <ActionDialog
      titleId="role-dialog-title"
      title={title}
      actionLabel={grant ? 'Change role' : 'Grant'}
      actionDisabled={
        (touched && (!parsed.ref || !role)) ||
        // The same role again would change nothing.
        role === grant?.role
      }
      onAction={submit}
      onClose={props.onClose}
    >
      {grant ? (
        <Typography variant="body2" paragraph>
          On{' '}
          {grant.tenant ? tenantTitle(grant.tenant) : 'the whole organization'},
          instead of {ROLE_NAMES[grant.role].label}.
        </Typography>
      ) : (
        <>
          <TextField
            id="role-dialog-principal"
            {...errorProps}
            label="User or group"
            value={principal}
            onChange={e => setPrincipal(e.target.value)}
            onBlur={() => setTouched(true)}
            error={touched && !!parsed.problem}
            helperText={
              touched && parsed.problem
                ? parsed.problem
                : 'Such as user:default/ada or group:default/payments; a name alone is a user.'
            }
            required
            fullWidth
            margin="normal"
          />
          <TextField
            id="role-dialog-scope"
            select
            label="On"
            value={tenant}
            onChange={e => changeScope(e.target.value)}
            SelectProps={{ native: true }}
            InputLabelProps={{ shrink: true }}
            fullWidth
            margin="normal"
          >
            <option value={WHOLE}>The whole organization</option>
            {organization.tenants.map(t => (
              <option key={t.id} value={t.id}>
                {t.title}
              </option>
            ))}
          </TextField>
        </>
      )}
      <TextField
        id="role-dialog-role"
        select
        label="Role"
        value={role}
        onChange={e => setRole(e.target.value as DbaasRole)}
        SelectProps={{ native: true }}
        InputLabelProps={{ shrink: true, classes: { error: errorText } }}
        FormHelperTextProps={errorProps.FormHelperTextProps}
        error={touched && !role}
        helperText={
          (touched && !role && 'Choose a role') ||
          (role
            ? `${ROLE_NAMES[role].label}: ${ROLE_NAMES[role].may}.`
            : 'Organization roles are held on the whole organization only.')
        }
        required
        fullWidth
        margin="normal"
      >
        <option value="" disabled>
          Choose a role
        </option>
        {roles.map(r => (
          <option key={r} value={r}>
            {ROLE_NAMES[r].label}
          </option>
        ))}
      </TextField>
      {!grant && (
        <Typography variant="body2" color="textSecondary">
          A user or group holds one role on each scope: a role they already hold
          there is replaced.
        </Typography>
      )}
    </ActionDialog>
  );
};

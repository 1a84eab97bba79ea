import type { ServiceDetails } from '@internal/backstage-plugin-dbaas-common';
import { DatabaseLink } from '../DatabaseLink';
import { Timestamp } from '../Timestamp';

/**
 * Where a restored database's data came from: the source (a database of the
 * same tenant, linked), the backup and the moment restored to. The restore
 * record (`restoredFrom`) names the portal's backup; the claim's
 * `config.restore`, which a restore always writes, names the source and serves
 * when the record is absent. Nothing for a database that is no restore.
 */
export const RestoredFrom = (props: { service: ServiceDetails }) => {
  const { restoredFrom, config, tenant } = props.service;
  const claim = config.restore;
  if (!restoredFrom && !claim) return null;
  const backup = restoredFrom?.backupId ?? claim?.backup;
  const pointInTime = restoredFrom?.pointInTime ?? claim?.pointInTime;
  return (
    <>
      {claim ? (
        <DatabaseLink tenant={tenant} name={claim.source} />
      ) : (
        <>
          database <code>{restoredFrom!.serviceId}</code>
        </>
      )}{' '}
      — backup <code>{backup}</code>
      {pointInTime && (
        <>
          {' '}
          at <Timestamp at={pointInTime} />
        </>
      )}
    </>
  );
};

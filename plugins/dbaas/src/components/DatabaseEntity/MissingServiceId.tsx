import { DBAAS_ANNOTATIONS } from '@internal/backstage-plugin-dbaas-common';
import Typography from '@material-ui/core/Typography';

/**
 * Shown instead of a database's details when its entity does not say which
 * database it is. The catalog module always writes the annotation, so the usual
 * cause is a hand-written entity; the generic "add this to catalog-info.yaml"
 * empty state would send people to a file that does not exist.
 */
export const MissingServiceId = () => (
  <Typography variant="body2" role="status">
    This entity has no <code>{DBAAS_ANNOTATIONS.serviceId}</code> annotation, so
    the portal cannot tell which database it is. Databases ordered through the
    portal get it from the DBaaS catalog module; an entity written by hand has
    to name the database&apos;s id there.
  </Typography>
);

import { CDC_TOPIC_RETENTION_MS } from '@internal/backstage-plugin-dbaas-common';

/** How many days a CDC topic keeps its changes, also after its pipeline is deleted. */
export const TOPIC_RETENTION_DAYS = Math.round(
  CDC_TOPIC_RETENTION_MS / 86_400_000,
);

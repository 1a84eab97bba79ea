import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { DBAAS_ENTITY_TYPE } from '@internal/backstage-plugin-dbaas-common';

/**
 * The catalog Resources the DBaaS catalog module makes for databases. Entity
 * predicates compare strings case-insensitively, so `Resource` matches too.
 */
const databaseEntityFilter = {
  kind: 'resource',
  'spec.type': DBAAS_ENTITY_TYPE,
};

/** Phase, generation, plan, regions, GitOps file and provisioning timeline. */
const databaseStatusCard = EntityCardBlueprint.make({
  name: 'database-status',
  params: {
    type: 'content',
    filter: databaseEntityFilter,
    loader: () =>
      import('./components/DatabaseStatusCard').then(m => (
        <m.DatabaseStatusCard />
      )),
  },
});

/** Host, port, database, user, the password's Secret and the endpoints. */
const databaseConnectionCard = EntityCardBlueprint.make({
  name: 'database-connection',
  params: {
    type: 'content',
    filter: databaseEntityFilter,
    loader: () =>
      import('./components/DatabaseConnectionCard').then(m => (
        <m.DatabaseConnectionCard />
      )),
  },
});

/** Firing and recent alerts, each with its runbook; muting them. */
const databaseAlertsCard = EntityCardBlueprint.make({
  name: 'database-alerts',
  params: {
    type: 'content',
    filter: databaseEntityFilter,
    loader: () =>
      import('./components/DatabaseAlertsCard').then(m => (
        <m.DatabaseAlertsCard />
      )),
  },
});

/** The apps whose `dependsOn` names the database. */
const databaseDependentsCard = EntityCardBlueprint.make({
  name: 'database-dependents',
  params: {
    type: 'info',
    filter: databaseEntityFilter,
    loader: () =>
      import('./components/DatabaseDependentsCard').then(m => (
        <m.DatabaseDependentsCard />
      )),
  },
});

const databaseBackupsContent = EntityContentBlueprint.make({
  name: 'backups',
  params: {
    path: '/backups',
    title: 'Backups',
    group: 'operation',
    filter: databaseEntityFilter,
    loader: () =>
      import('./components/DatabaseBackups').then(m => <m.DatabaseBackups />),
  },
});

/**
 * CDC pipelines: the database's changes streamed to Kafka. A tab of its own:
 * in Backups' `operation` group the two would fold into a menu.
 */
const databaseCdcContent = EntityContentBlueprint.make({
  name: 'cdc',
  params: {
    path: '/cdc',
    title: 'CDC',
    filter: databaseEntityFilter,
    loader: () =>
      import('./components/DatabaseCdc').then(m => <m.DatabaseCdc />),
  },
});

const databaseMetricsContent = EntityContentBlueprint.make({
  name: 'metrics',
  params: {
    path: '/metrics',
    title: 'Metrics',
    group: 'observability',
    filter: databaseEntityFilter,
    loader: () =>
      import('./components/DatabaseMetrics').then(m => <m.DatabaseMetrics />),
  },
});

/**
 * The database entity page's extensions (cards and tabs for catalog Resources of
 * type `database`), registered by the plugin. The Kubernetes tab comes from the
 * Kubernetes plugin itself, through the entity's label-selector annotation.
 */
export const dbaasEntityExtensions = [
  databaseStatusCard,
  databaseConnectionCard,
  databaseAlertsCard,
  databaseDependentsCard,
  databaseBackupsContent,
  databaseCdcContent,
  databaseMetricsContent,
];

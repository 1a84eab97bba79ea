import type { AuditorService } from '@backstage/backend-plugin-api';
import type { Request, Response } from 'express';
import type { ApiClients } from '../../apiClients/ApiClients';
import type { BackupStore } from '../../database/BackupStore';
import type { GrantStore } from '../../database/GrantStore';
import type { TimelineStore } from '../../database/TimelineStore';
import type { ServiceStore } from '../../database/ServiceStore';
import type { ServiceMetricsSource } from '../../metrics/ServiceMetricsSource';
import type { DbaasAccess } from '../../permissions/DbaasAccess';
import type { DatabaseLifecycle } from '../../lifecycle/DatabaseLifecycle';
import type { RestoreDrills } from '../../drills/RestoreDrills';
import type { RateLimiter } from '../../rateLimit/RateLimiter';
import type { TenantDirectory } from '../../tenancy/TenantDirectory';
import type { AuditTrail } from '../../audit/AuditTrail';
import type { Caller } from '../requestContext';
import type { Knex } from 'knex';
import type { LiveSkuCatalog } from '../../pops/LiveSkuCatalog';
import type { PlatformLimits } from '../../platform/PlatformLimits';
import type { AlertReceiver } from '../../alerts/AlertReceiver';
import type { AlertStore } from '../../alerts/AlertStore';
import type { TenantCosts } from '../../cost/TenantCosts';

/** What the route handlers work with. */
export type RouteContext = {
  db: Knex;
  /** The SKU catalog over the PoPs of the moment. */
  skuCatalog: LiveSkuCatalog;
  services: ServiceStore;
  /** What no tenant may pass, such as the quota ceiling; the stores enforce it. */
  limits: PlatformLimits;
  backups: BackupStore;
  grants: GrantStore;
  directory: TenantDirectory;
  access: DbaasAccess;
  /** For changes of organizations (roles, quotas); databases change through the lifecycle. */
  audit: AuditTrail;
  lifecycle: DatabaseLifecycle;
  timeline: TimelineStore;
  drills: RestoreDrills;
  rateLimiter: RateLimiter;
  alerts: AlertStore;
  /** Takes the alerts PoPs' Alertmanagers post. */
  alertReceiver: AlertReceiver;
  /** Scripts' clients, each acting for a user. */
  apiClients: ApiClients;
  /** Backstage's auditor, for changes that belong to no tenant. */
  auditor: AuditorService;
  /** Absent when no Prometheus is configured. */
  metricsSource?: ServiceMetricsSource;
  /** Prices (when configured), tenants' costs and budgets. */
  costs: TenantCosts;
};

/** The authenticated caller, set by the router's first middleware. */
export const callerFrom = (_req: Request, res: Response): Caller =>
  res.locals.caller as Caller;

import type { RootConfigService } from '@backstage/backend-plugin-api';
import {
  formatZodError,
  tenantNamespace,
  tenantQuotaSchema,
  type ServiceClaimSpec,
  type TenantQuota,
} from '@internal/backstage-plugin-dbaas-common';
import { DEFAULT_TENANT_QUOTA } from '../database/quotas';
import { invalidInput, type FieldIssue } from '../errors/invalidInput';
import { coversRange, parseCidr, type CidrRange } from './cidr';

/** Ranges no database may be opened to unless the platform says otherwise. */
export const DEFAULT_FORBIDDEN_CIDRS = ['0.0.0.0/0', '::/0'];

const QUOTA_KEYS = Object.keys(
  tenantQuotaSchema.shape,
) as (keyof TenantQuota)[];

// A bucket and an optional prefix of plain path segments: nothing a storage
// client could read as another place (`..`, `%2e`, `?`, `\`).
const segment = '[A-Za-z0-9_-][A-Za-z0-9._-]*';
const locationPattern = new RegExp(
  `^(s3|gs|azure)://${segment}(/${segment})*$`,
);
const destinationPattern = new RegExp(
  `^((s3|gs|azure)://${segment}(/${segment})*)/?(\\?region=[a-z0-9-]+)?$`,
);
const dotSegment = /(^|\/)\.\.?(\/|$)/;

function configError(key: string, message: string): Error {
  return new Error(`Invalid config: ${key} ${message}`);
}

function readQuota(
  config: RootConfigService,
  key: string,
): Partial<TenantQuota> | undefined {
  const raw = config.getOptional(key);
  if (raw === undefined) {
    return undefined;
  }
  const result = tenantQuotaSchema.partial().strict().safeParse(raw);
  if (!result.success) {
    throw configError(
      key,
      `must be a quota such as { instances: 10, storageGi: 10240, cpu: 64, memoryGi: 256, backups: 100, cdcPipelines: 20 } (${formatZodError(
        result.error,
      )})`,
    );
  }
  return result.data;
}

function readLocations(config: RootConfigService): string[] {
  const key = 'dbaas.backups.locations';
  const locations = config.getOptionalStringArray(key) ?? [];
  return locations.map((location, i) => {
    const trimmed = location.replace(/\/+$/, '');
    if (!locationPattern.test(trimmed) || dotSegment.test(trimmed)) {
      throw configError(
        `${key}[${i}]`,
        `must be an object storage URL such as s3://bucket or s3://bucket/prefix, not ${JSON.stringify(
          location,
        )}`,
      );
    }
    return trimmed;
  });
}

function readForbiddenCidrs(
  config: RootConfigService,
): { cidr: string; range: CidrRange }[] {
  const key = 'dbaas.networking.forbiddenCIDRs';
  const cidrs = config.getOptionalStringArray(key) ?? DEFAULT_FORBIDDEN_CIDRS;
  return cidrs.map((cidr, i) => {
    const range = parseCidr(cidr);
    if (!range) {
      throw configError(
        `${key}[${i}]`,
        `must be an IPv4 or IPv6 CIDR such as 0.0.0.0/0 or 169.254.0.0/16, not ${JSON.stringify(
          cidr,
        )}`,
      );
    }
    return { cidr, range };
  });
}

/**
 * What the platform lets a tenant ask for, from config: the quota a new tenant
 * starts with, the ceiling no tenant's quota may pass, where backups may be
 * written and which networks a database may never be opened to. The stores
 * check every change against it, inside the change, so no route can forget to.
 */
export class PlatformLimits {
  /** Reads `dbaas.quotas`, `dbaas.backups` and `dbaas.networking`; throws on bad config. */
  static fromConfig(config: RootConfigService): PlatformLimits {
    const ceiling = readQuota(config, 'dbaas.quotas.ceiling') ?? {};
    const defaultQuota: TenantQuota = {
      ...DEFAULT_TENANT_QUOTA,
      ...readQuota(config, 'dbaas.quotas.default'),
    };
    for (const key of QUOTA_KEYS) {
      const limit = ceiling[key];
      if (limit !== undefined && defaultQuota[key] > limit) {
        throw configError(
          `dbaas.quotas.default.${key}`,
          `(${defaultQuota[key]}) is above dbaas.quotas.ceiling.${key} (${limit}); a new tenant's quota must be within the ceiling`,
        );
      }
    }
    return new PlatformLimits(
      defaultQuota,
      ceiling,
      readLocations(config),
      readForbiddenCidrs(config),
    );
  }

  /** The defaults: no ceiling, no backup locations, 0.0.0.0/0 and ::/0 forbidden. */
  static defaults(): PlatformLimits {
    return new PlatformLimits(
      { ...DEFAULT_TENANT_QUOTA },
      {},
      [],
      DEFAULT_FORBIDDEN_CIDRS.map(cidr => ({ cidr, range: parseCidr(cidr)! })),
    );
  }

  private constructor(
    /** The quota of a tenant no owner has set one for. */
    readonly defaultQuota: TenantQuota,
    private readonly ceiling: Partial<TenantQuota>,
    private readonly backupLocations: string[],
    private readonly forbiddenCidrs: { cidr: string; range: CidrRange }[],
  ) {}

  /** The most any limit of a tenant's quota may be; a limit left out has none. */
  quotaCeiling(): Partial<TenantQuota> {
    return { ...this.ceiling };
  }

  /** Throws an InputError naming `quota.<limit>` when a limit is above the ceiling. */
  assertQuotaAllowed(quota: TenantQuota): void {
    const issues: FieldIssue[] = QUOTA_KEYS.flatMap(key => {
      const limit = this.ceiling[key];
      return limit !== undefined && quota[key] > limit
        ? [
            {
              path: ['quota', key],
              message: `must be at most ${limit}, the platform's ceiling`,
            },
          ]
        : [];
    });
    if (issues.length > 0) {
      throw invalidInput('quota', issues);
    }
  }

  /**
   * Throws an InputError naming the request field (`config.backup.destination`,
   * `config.allowedCIDRs`) when the spec writes backups outside the tenant's
   * area of the backup locations or opens the database to a forbidden range.
   * Only what changes from `previous` is checked, so a database that predates a
   * rule can still be changed in other ways.
   */
  assertSpecAllowed(input: {
    tenant: string;
    spec: ServiceClaimSpec;
    previous?: ServiceClaimSpec;
    /** What the request is, for the error message ("database request"). */
    what: string;
  }): void {
    const { tenant, spec, previous, what } = input;
    const issues: FieldIssue[] = [];
    const destination = spec.backup.destination;
    if (
      destination !== undefined &&
      destination !== previous?.backup.destination
    ) {
      const problem = this.destinationProblem(tenant, destination);
      if (problem) {
        issues.push({
          path: ['config', 'backup', 'destination'],
          message: problem,
        });
      }
    }
    const cidrs = spec.networking?.allowedCIDRs ?? [];
    const before = previous?.networking?.allowedCIDRs ?? [];
    if (JSON.stringify(cidrs) !== JSON.stringify(before)) {
      issues.push(...this.cidrIssues(cidrs));
    }
    if (issues.length > 0) {
      throw invalidInput(what, issues);
    }
  }

  private destinationProblem(
    tenant: string,
    destination: string,
  ): string | undefined {
    if (this.backupLocations.length === 0) {
      return 'the platform offers no backup locations to choose from; leave destination out to back up to the region\u2019s default location';
    }
    // Each tenant's area is named like its namespace, the name the region's
    // default location files its backups under too, so a tenant's chosen and
    // default backups share one place and no tenant's area holds another's.
    const areas = this.backupLocations.map(
      location => `${location}/${tenantNamespace(tenant)}`,
    );
    const match = destination.match(destinationPattern);
    const path = match?.[1];
    const inside =
      path !== undefined &&
      !dotSegment.test(path) &&
      areas.some(area => path === area || path.startsWith(`${area}/`));
    return inside
      ? undefined
      : `must be in ${tenant}'s own area of the platform's backup locations: ${areas
          .map(area => `${area}/...`)
          .join(' or ')}`;
  }

  private cidrIssues(cidrs: string[]): FieldIssue[] {
    const ranges = cidrs.map(parseCidr);
    return this.forbiddenCidrs.flatMap(({ cidr: forbidden, range }) => {
      const alone = ranges.findIndex(r => r && coversRange([r], range));
      if (alone >= 0) {
        return [
          {
            path: ['config', 'allowedCIDRs', String(alone)],
            message: `${cidrs[alone]} includes ${forbidden}, which the platform forbids opening a database to`,
          },
        ];
      }
      const valid = ranges.filter((r): r is CidrRange => r !== undefined);
      return coversRange(valid, range)
        ? [
            {
              path: ['config', 'allowedCIDRs'],
              message: `together include ${forbidden}, which the platform forbids opening a database to`,
            },
          ]
        : [];
    });
  }
}

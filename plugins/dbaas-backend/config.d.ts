export interface Config {
  /** Configuration of the DBaaS backend plugin. */
  dbaas?: {
    /** Who decides what in the DBaaS permission policy. */
    permissions?: {
      /**
       * Users or groups (entity refs, e.g. group:default/platform) allowed every
       * DBaaS action in every organization: the team running the platform.
       */
      platformAdmins?: string[];
      /**
       * The first owners of organizations: at start, each organization listed
       * that has no org-owner yet has these users or groups (entity refs)
       * granted org-owner, audited as `member.grant` by
       * `dbaas:initial-owners`. Once an organization has an owner, its owners
       * manage its roles and this list changes nothing for it.
       */
      initialOwners?: Array<{
        /** The organization's group ref, e.g. group:default/acme. */
        organization: string;
        /** Users or groups, e.g. user:default/ada. */
        owners: string[];
      }>;
    };
    /** Where database claims are committed. */
    gitops?: {
      /**
       * Path of a bare git repository on this machine, created on first start when
       * missing: the GitOps repository of the embedded defaults. Relative paths are
       * resolved from the backend's working directory.
       */
      localPath?: string;
      /**
       * The address Argo CD clones the GitOps repository from, written into the
       * generated `argocd/` files. Defaults to the remote's URL (without
       * credentials), or `file://` and `localPath`, which Argo CD's repo-server
       * can read only when it runs on this machine; serve the local repository
       * (e.g. with git http-backend) and name that address here.
       */
      repoURL?: string;
      /**
       * The GitOps repository Argo CD syncs from, when it is not the local one: an
       * http(s) URL. When Backstage has a GitHub or GitLab integration for its host
       * (`integrations.github`, `integrations.gitlab`), the portal pushes and opens
       * pull requests with that integration's credentials.
       */
      remote?: {
        url: string;
        /** The branch Argo CD syncs. Defaults to `main`. */
        branch?: string;
        /**
         * How a change of a claim reaches `branch`: `commit` (the default) commits
         * and pushes it there; `pullRequest` commits it on a branch of its own and
         * opens a GitHub pull request or GitLab merge request into `branch`, which
         * people merge. `pullRequest` needs a GitHub (with `apiBaseUrl`) or GitLab
         * integration with credentials for the repository's host.
         */
        mode?: 'commit' | 'pullRequest';
        /**
         * An access token allowed to push, for a host without a GitHub or GitLab
         * integration that has credentials (it is not used when one has).
         * @visibility secret
         */
        token?: string;
        /** The username that goes with the token (GitHub: x-access-token). */
        username?: string;
      };
      /**
       * How long one write of claims to the repository (fetch, commit, push and,
       * in pull request mode, opening the request) may take before it is given
       * up and tried again later, in seconds. Defaults to 60. Writes happen after
       * the change is recorded, never while a database transaction is open.
       */
      timeoutSeconds?: number;
      /**
       * How often the portal compares the repository's claims with its
       * databases and repairs the repository (commit mode), in minutes.
       * Defaults to 10.
       */
      reconcileMinutes?: number;
      /**
       * The Argo CD that syncs the repository. With it, the portal asks Argo CD
       * to refresh the changed tenants' Applications and the tenants'
       * ApplicationSet after each commit (commit mode), rather than leave the
       * commit to Argo CD's poll (3 minutes by default), and puts the sync
       * errors of the tenants' Applications on their databases' timelines
       * (`sync-failed`). It needs `get`, `list`, `watch` and `patch` on
       * `applications` and `patch` on `applicationsets` in `namespace`
       * (docs/api.md, "Provisioning through GitOps"). Without it, or without a
       * way to its cluster, the portal leaves Argo CD to its poll.
       */
      /**
       * The platform in the GitOps layout (docs/deploy.md): with it, the portal
       * also generates the Argo CD ApplicationSets that deploy the ServiceClaim
       * operator and the engine operators on every PoP cluster and the portal
       * on the management cluster, from Helm charts at the versions this
       * portal release pins, and each PoP's operator values from its PoP
       * entity (`platform/serviceclaim-operator/pops/{pop}.yaml`).
       */
      platform?: {
        /**
         * The Helm repository the `serviceclaim-operator` and `dbaas-portal`
         * charts are published to, as an Argo CD Helm source's `repoURL`.
         */
        chartRepository: string;
        operator?: {
          /** The chart version; defaults to the one this portal release pins. */
          version?: string;
          /** The operator's namespace on each PoP. Defaults to `dbaas-system`. */
          namespace?: string;
          /**
           * Each PoP's backup destination (the chart's `backupDestination`),
           * with `{pop}` for the PoP's id, e.g. `s3://dbaas-backups-{pop}`.
           */
          backupDestination?: string;
        };
        portal?: {
          /** Whether Argo CD deploys the portal too. Defaults to true. */
          enabled?: boolean;
          /** The chart version; defaults to the one this portal release pins. */
          version?: string;
          /** The portal's namespace on the management cluster. Defaults to `dbaas`. */
          namespace?: string;
        };
        engineOperators?: {
          /** Whether Argo CD deploys the engine operators. Defaults to true. */
          enabled?: boolean;
          /**
           * A mirror of an engine operator's chart repository, by the
           * operator's name in the layout (e.g. `cloudnative-pg`).
           */
          repositories?: { [name: string]: string };
        };
      };
      argocd?: {
        /** The namespace of Argo CD's Applications and ApplicationSets. Defaults to `argocd`. */
        namespace?: string;
        /**
         * The cluster Argo CD runs on (the management cluster). When unset, the
         * portal's own service account, when it runs in a pod there.
         */
        cluster?: {
          /** The Kubernetes API server's URL. */
          url: string;
          /**
           * A token of a service account with the permissions above.
           * @visibility secret
           */
          serviceAccountToken: string;
          /** Base64 PEM of the API server's CA, as in a kubeconfig's certificate-authority-data. */
          caData?: string;
          /** Skips verifying the API server's certificate; for development only. */
          skipTLSVerify?: boolean;
        };
      };
    };
    /**
     * Restore drills: each database whose drills are on (its
     * `config.backup.drills`, by default every plan but shared) has its latest
     * restorable backup restored into a scratch database now and then, and the
     * time it took recorded. Scratch databases count against this budget, not
     * their tenant's quota.
     */
    restoreDrills?: {
      /** Run drills on the schedule; a drill asked for through the API runs either way. Defaults to true. */
      enabled?: boolean;
      /** Days between two drills of a database. Defaults to 7. */
      intervalDays?: number;
      /** Minutes a scratch database may take to be ready before its drill fails. Defaults to 120. */
      timeoutMinutes?: number;
      /** Drills running at once over the whole platform. Defaults to 2. */
      maxRunning?: number;
      /** Seconds between two passes of the schedule. Defaults to 300. */
      checkEverySeconds?: number;
    };
    /**
     * The API's rate limit. It counts per authenticated caller (a user, or a
     * backend plugin by its subject), never per tenant or anything a request
     * names, in the database, so all backend replicas share it; requests over it
     * are answered 429 QUOTA_EXCEEDED with Retry-After.
     */
    rateLimit?: {
      /** Requests a caller may make per minute. Defaults to 100. */
      requestsPerMinute?: number;
    };
    /**
     * Prices (docs/cost.md): a database's monthly price is its plan's base
     * price plus its CPU, memory and storage at the unit prices. Without this
     * key no price, cost or budget is shown anywhere. The backend refuses to
     * start when it is malformed.
     */
    pricing?: {
      /** ISO 4217 code of every price and budget, e.g. USD. */
      currency: string;
      /** Monthly base price of a database on each plan; a plan left out has no price. */
      plans: {
        shared?: number;
        dedicated?: number;
        clustered?: number;
        global?: number;
      };
      /**
       * Base prices of one engine's plans, replacing the plan's, e.g.
       * `{ mongodb: { dedicated: 1200 } }`.
       */
      engines?: {
        [engine: string]: {
          shared?: number;
          dedicated?: number;
          clustered?: number;
          global?: number;
        };
      };
      /** Monthly prices per unit, on top of the base price. */
      units: {
        /** Per CPU core, summed over every role's replicas. */
        cpuCore: number;
        /** Per GiB of memory, summed over every role's replicas. */
        memoryGi: number;
        /** Per GiB of storage of each data-holding replica. */
        storageGi: number;
      };
    };
    /**
     * Tenants' quotas: how many databases, how much storage, CPU and memory,
     * how many backups and how many CDC pipelines (over all of its databases) a
     * tenant may have. Each value is a number: instances, backups and
     * cdcPipelines whole, storageGi and memoryGi in GiB, cpu in cores. The
     * backend refuses to start when a value is not one, or the default is
     * above the ceiling.
     */
    quotas?: {
      /**
       * The quota of a tenant no org-owner has set one for. A limit left out
       * keeps the built-in default (instances 10, storageGi 10240, cpu 64,
       * memoryGi 256, backups 100, cdcPipelines 20).
       */
      default?: {
        instances?: number;
        storageGi?: number;
        cpu?: number;
        memoryGi?: number;
        backups?: number;
        cdcPipelines?: number;
      };
      /**
       * The most an org-owner may set a tenant's quota to, limit by limit
       * (`PUT /organizations/{id}/quotas` answers 400 naming the limit above it);
       * a limit left out has no ceiling. Applies to platform admins too.
       */
      ceiling?: {
        instances?: number;
        storageGi?: number;
        cpu?: number;
        memoryGi?: number;
        backups?: number;
        cdcPipelines?: number;
      };
    };
    /** Where tenants may have their databases backed up. */
    backups?: {
      /**
       * Object storage locations a database's `config.backup.destination` may
       * name, e.g. `s3://dbaas-backups` or `gs://backups/portal`. A tenant may
       * only name its own area of one: `{location}/tenant-{slug}/...`, the
       * folder the region's default location files its backups under too. When
       * unset, no destination may be named and backups go to the region's
       * default location.
       */
      locations?: string[];
    };
    /** What a database's network access may be. */
    networking?: {
      /**
       * CIDR ranges (IPv4 or IPv6) a database's `config.allowedCIDRs` may not
       * include: a request whose ranges, alone or together, hold every address
       * of one is refused. Defaults to `0.0.0.0/0` and `::/0` (the whole
       * internet). A single address (`169.254.169.254/32`) refuses every range
       * holding it. Setting the list replaces the default, so keep those two in
       * it.
       */
      forbiddenCIDRs?: string[];
    };
    /** Where `GET /services/{id}/metrics` reads databases' time series. */
    metrics?: {
      /**
       * The Prometheus that scrapes the databases' pods, kube-state-metrics and the
       * kubelets. When unset, the metrics route answers 503 SERVICE_UNAVAILABLE.
       */
      prometheus?: {
        /** Prometheus' address, e.g. http://prometheus.monitoring:9090. */
        baseUrl: string;
      };
    };
    /**
     * The audit trail. Every mutation records an event in the plugin's database,
     * queryable through `GET /audit-logs` whether or not it is published.
     */
    audit?: {
      /**
       * The Kafka cluster the relay publishes events to, on topics
       * `dbaas.audit.{tenant}` (auto-created by the broker, or created beforehand).
       * When unset the relay does not run and events are only kept in the database.
       */
      kafka?: {
        /** Bootstrap brokers, e.g. kafka-0.kafka:9092. */
        brokers: string[];
        /** The client id the relay connects with. Defaults to backstage-dbaas-audit. */
        clientId?: string;
      };
      /**
       * How many days audit events are kept in the database (and served by
       * `GET /audit-logs`); older ones are deleted every six hours, never
       * before the relay published them. Kafka keeps its own copies for its
       * topics' retention. Default 365.
       */
      retentionDays?: number;
    };
    /**
     * Scripts and CI jobs calling the API with tokens of their own
     * (docs/api.md, "Scripts and CI jobs"). Each is registered by the user it
     * acts for, and may do what that user may do.
     */
    apiClients?: {
      /**
       * The `subjectPrefix`es of `backend.auth.externalAccess` entries (type
       * `jwks`, e.g. Keycloak's realm) whose tokens are API clients'. None: no
       * external token may call the API but the Alertmanagers' webhook.
       */
      subjectPrefixes?: string[];
    };
    /**
     * Alerts about databases: each PoP's Alertmanager posts them to
     * `/api/dbaas/v1/alerts/alertmanager` (docs/observability.md).
     */
    alerts?: {
      /**
       * The Alertmanagers that may, each a subject of a static token in
       * `backend.auth.externalAccess`, with the PoPs it speaks for: an alert
       * about a database in none of them is set aside. None: the webhook
       * refuses every caller.
       */
      sources?: Array<{ subject: string; pops: string[] }>;
      /**
       * How many days resolved alerts and alert events are kept; older ones
       * are deleted every six hours (events never before the relay published
       * them; firing alerts stay). At least 7, the days a database's page
       * lists resolved alerts. Default 90.
       */
      retentionDays?: number;
      /**
       * The Kafka cluster alert events are published to, on topics
       * `dbaas.alerts.{tenant}`; by default `dbaas.audit.kafka`. Without
       * either, alerts are recorded and shown but not published.
       */
      kafka?: {
        /** Bootstrap brokers, e.g. kafka-0.kafka:9092. */
        brokers: string[];
        /** The client id the relay connects with. Defaults to backstage-dbaas-alert. */
        clientId?: string;
      };
    };
    /**
     * The PoPs are catalog entities (docs/deploy.md, "A PoP is a catalog
     * entity"); this says how the portal reaches their clusters when no
     * `kubernetes.clusterLocatorMethods` cluster is named after the PoP.
     */
    pops?: {
      /**
       * A directory holding, per PoP, a file named after it with the token of
       * the portal's service account on that PoP's cluster (a Secret whose keys
       * are PoP ids, mounted here). With the address on the PoP's entity
       * (`kubernetes.io/api-server`, `kubernetes.io/api-server-certificate-authority`)
       * the portal watches the PoP's claims and shows its objects. Read anew
       * on every use, so added PoPs and rotated tokens need no restart.
       */
      tokenDirectory?: string;
    };
    /** How the portal learns what the clusters made of its claims. */
    status?: {
      /**
       * Watch the ServiceClaims of the PoPs' clusters (the
       * `kubernetes.clusterLocatorMethods` cluster of each PoP's name, type
       * `config` with `serviceAccount` auth, or `dbaas.pops.tokenDirectory`)
       * and record each claim's progress. Defaults to true when either is
       * configured. Where no cluster is
       * watched, the commit of a claim's removal ends a deleted database, as no
       * cluster could report it gone.
       */
      watch?: boolean;
    };
  };
}

import { z } from 'zod';

/** How many pipelines one database may have. @public */
export const CDC_PIPELINES_PER_DATABASE = 10;

/** How many tables one pipeline may capture. @public */
export const CDC_TABLES_PER_PIPELINE = 100;

/**
 * A captured table as its engine names it, dot-separated parts (the engine's
 * cdcTableForms say which): letters, digits and underscores only, so that it
 * is a valid part of a Kafka topic name and never holds the hyphen of a dead
 * letter topic.
 * @public
 */
export const cdcTableSchema = z
  .string()
  .max(127)
  .regex(
    /^[A-Za-z0-9_]{1,63}(\.[A-Za-z0-9_]{1,63})*$/,
    'must be dot-separated names of letters, digits and underscores, such as public.orders',
  );

/**
 * A CDC pipeline of a database, as its claim declares it: the pipeline lives
 * and dies with its database (its slot, publication and credentials are the
 * database's), and its state comes back in the claim's status like the rest.
 * @public
 */
export const cdcPipelineSchema = z
  .object({
    /** Unique among the database's pipelines; a DNS label. */
    name: z
      .string()
      .max(40)
      .regex(
        /^[a-z]([-a-z0-9]*[a-z0-9])?$/,
        'must be a lowercase DNS label of at most 40 characters',
      ),
    /** What it captures, in the engine's form (cdcTableForms). */
    tables: z.array(cdcTableSchema).min(1).max(CDC_TABLES_PER_PIPELINE),
    /**
     * `initial`: the tables' rows as they are first, then their changes;
     * `never`: changes from when the pipeline starts. Default `initial`.
     */
    snapshot: z.enum(['initial', 'never']).optional(),
    /** Stopped, keeping its place in the change log, until set false. */
    paused: z.boolean().optional(),
    /** A token: a new value restarts the connector and its tasks once. */
    restart: z.string().min(1).max(64).optional(),
  })
  .strict();

/** @public */
export type CdcPipeline = z.infer<typeof cdcPipelineSchema>;

/**
 * A pipeline's flow as read in the PoP's Kafka at `at`: how far its changes
 * trail their commits, how many messages its topics hold and how fast they
 * grow, its dead letters, and how far each of the tenant's consumer groups
 * reading its topics is behind.
 * @public
 */
export const cdcMeasuresSchema = z.object({
  at: z.string().datetime(),
  /**
   * Milliseconds from the commit of the last change read to its arrival in
   * Kafka (the change event's `source.ts_ms` against the record's timestamp);
   * absent until a change arrives while the operator watches.
   */
  lagMs: z.number().int().min(0).optional(),
  /** When that change was committed. */
  lastChangeAt: z.string().datetime().optional(),
  topics: z
    .array(
      z.object({
        topic: z.string().min(1).max(249),
        /** Messages written to it so far (its partitions' end offsets). */
        messages: z.number().int().min(0),
        /** Messages per second since the measure before. */
        perSecond: z.number().min(0).optional(),
      }),
    )
    .max(100),
  /** Messages in the pipeline's dead letter topic. */
  deadLetters: z.number().int().min(0),
  /** The tenant's consumer groups with offsets on its topics. */
  consumerGroups: z
    .array(
      z.object({
        group: z.string().min(1).max(255),
        /** Messages written and not yet consumed, over the pipeline's topics. */
        lag: z.number().int().min(0),
      }),
    )
    .max(50),
});

/** @public */
export type CdcMeasures = z.infer<typeof cdcMeasuresSchema>;

/**
 * How a tenant's applications read its CDC topics on a PoP's Kafka: its
 * listener for tenants, the SASL mechanism, the principal the ACLs grant
 * (its namespace's name) and the prefix its consumer groups must have. The
 * password is the platform's to hand over (docs/cdc.md), never shown here.
 * @public
 */
export const cdcAccessSchema = z.object({
  bootstrap: z.string().min(1).max(1024),
  mechanism: z.string().min(1).max(64),
  principal: z.string().min(1).max(256),
  groupPrefix: z.string().min(1).max(256),
});

/** @public */
export type CdcAccess = z.infer<typeof cdcAccessSchema>;

/**
 * How a pipeline is doing in the PoP that runs it (the database's primary), as
 * the ServiceClaim operator reports it in the claim's status.
 * @public
 */
export const claimCdcReportSchema = z.object({
  name: z.string().min(1).max(40),
  /** The Kafka Connect connector that runs it. */
  connector: z.string().min(1).max(253),
  /**
   * `failed` carries the connector's reason in `message`; `pending` until
   * Kafka Connect runs it.
   */
  state: z.enum(['pending', 'running', 'paused', 'failed']),
  message: z.string().max(1024).optional(),
  /** The topics its tables' changes go to. */
  topics: z.array(z.string().min(1).max(249)).max(100),
  deadLetterTopic: z.string().min(1).max(249),
  /** The restart token last acted on. */
  restart: z.string().min(1).max(64).optional(),
  /** What the operator last read of it in Kafka. */
  measured: cdcMeasuresSchema.optional(),
  /** How the tenant's applications read its topics, where the PoP says. */
  access: cdcAccessSchema.optional(),
});

/** @public */
export type ClaimCdcReport = z.infer<typeof claimCdcReportSchema>;

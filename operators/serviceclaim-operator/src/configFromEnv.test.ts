import {
  cdcConfigFrom,
  configFromEnv,
  popPodCidrsFrom,
  STRIMZI_SECRET_REFERENCE,
} from './configFromEnv';

describe('configFromEnv', () => {
  const base = { DBAAS_POP: 'lagos', KUBECONFIG: '' };

  it('reads the PoP settings the chart passes', () => {
    const { context } = configFromEnv({
      ...base,
      DBAAS_TLS_ISSUER: 'dbaas-ca',
      DBAAS_POP_POD_CIDRS:
        'frankfurt=10.2.0.0/16,10.3.0.0/16;lagos=10.1.0.0/16;',
    });
    expect(context).toMatchObject({
      pop: 'lagos',
      tlsIssuer: 'dbaas-ca',
      popPodCidrs: {
        frankfurt: ['10.2.0.0/16', '10.3.0.0/16'],
        lagos: ['10.1.0.0/16'],
      },
    });
    expect(configFromEnv(base).context.popPodCidrs).toBeUndefined();
  });

  it.each([
    'lagos',
    'lagos=',
    'lagos=10.1.0.0/33',
    'Lagos=10.1.0.0/16',
    '=10.1.0.0/16',
  ])('refuses pod CIDRs written as %j, naming the variable', raw => {
    expect(() => popPodCidrsFrom(raw)).toThrow(
      /^DBAAS_POP_POD_CIDRS must read pop=cidr/,
    );
  });
});

describe('cdcConfigFrom', () => {
  const connect = {
    DBAAS_KAFKA_CONNECT_URL: 'http://dbaas-connect-api.kafka:8083',
    DBAAS_KAFKA_BROKERS: 'kafka-0.kafka:9092, kafka-1.kafka:9092',
  };

  it('has no CDC without Kafka Connect, and refuses half of it', () => {
    expect(cdcConfigFrom({})).toBeUndefined();
    expect(() => cdcConfigFrom({ DBAAS_KAFKA_BROKERS: 'kafka:9092' })).toThrow(
      /go together/,
    );
  });

  it("reads Connect, the brokers, and the tenants' listener with its mechanism", () => {
    expect(cdcConfigFrom(connect)).toEqual({
      connectUrl: 'http://dbaas-connect-api.kafka:8083',
      brokers: ['kafka-0.kafka:9092', 'kafka-1.kafka:9092'],
      secretReference: STRIMZI_SECRET_REFERENCE,
    });
    expect(
      cdcConfigFrom({
        ...connect,
        DBAAS_KAFKA_TENANT_BOOTSTRAP: 'kafka.pop.example:9094',
      })?.tenantAccess,
    ).toEqual({
      bootstrap: 'kafka.pop.example:9094',
      mechanism: 'SCRAM-SHA-512',
    });
    expect(
      cdcConfigFrom({
        ...connect,
        DBAAS_KAFKA_TENANT_BOOTSTRAP: 'kafka.pop.example:9094',
        DBAAS_KAFKA_TENANT_SASL_MECHANISM: 'OAUTHBEARER',
      })?.tenantAccess?.mechanism,
    ).toBe('OAUTHBEARER');
  });
});

import { configFromEnv, popPodCidrsFrom } from './configFromEnv';

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

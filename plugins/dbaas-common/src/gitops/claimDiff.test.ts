import { claimDiff } from './claimDiff';

const file = (version: string) =>
  [
    'kind: ServiceClaim',
    'metadata:',
    '  name: orders',
    'spec:',
    '  engine: postgresql',
    `  version: '${version}'`,
    '  a: 1',
    '  b: 2',
    '  c: 3',
    '  d: 4',
    '  e: 5',
    '',
  ].join('\n');

describe('claimDiff', () => {
  it('shows a changed line with the lines around it', () => {
    expect(claimDiff('tenants/payments/orders.yaml', file('16'), file('17')))
      .toBe(`--- a/tenants/payments/orders.yaml
+++ b/tenants/payments/orders.yaml
@@ -3,7 +3,7 @@
   name: orders
 spec:
   engine: postgresql
-  version: '16'
+  version: '17'
   a: 1
   b: 2
   c: 3
`);
  });

  it('is empty when nothing changes', () => {
    expect(claimDiff('x.yaml', file('16'), file('16'))).toBe('');
  });

  it('removes every line of a claim that goes away', () => {
    const diff = claimDiff('x.yaml', file('16'), null);
    expect(diff.split('\n').slice(0, 4)).toEqual([
      '--- a/x.yaml',
      '+++ /dev/null',
      '@@ -1,11 +0,0 @@',
      '-kind: ServiceClaim',
    ]);
    expect(diff.split('\n').filter(line => line.startsWith('-'))).toHaveLength(
      12,
    );
  });
});

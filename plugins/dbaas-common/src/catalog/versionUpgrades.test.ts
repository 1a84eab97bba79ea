import { claimSpecForChange } from '../claim/claimSpecForChange';
import { specFromSku } from '../claim/specFromSku';
import { exampleSkuCatalog } from '../testUtils';
import { allowedUpgrades, versionChangeIssue } from './versionUpgrades';

describe('allowedUpgrades', () => {
  it('offers PostgreSQL the next major version only', () => {
    expect(allowedUpgrades('postgresql', '16')).toEqual(['17']);
    expect(allowedUpgrades('postgresql', '15', ['15', '16', '17'])).toEqual([
      '16',
    ]);
    expect(
      allowedUpgrades('postgresql', '16', ['16', '16.4', '17', '18']),
    ).toEqual(['16.4', '17']);
  });

  it('offers nothing on the newest version, and never an older one', () => {
    expect(allowedUpgrades('postgresql', '17')).toEqual([]);
    expect(allowedUpgrades('mongodb', '8.0')).toEqual([]);
    expect(allowedUpgrades('scylla', '2026.1', ['2025.1', '2026.1'])).toEqual(
      [],
    );
  });

  it('offers engines without a major-by-one path every later version, in order', () => {
    expect(
      allowedUpgrades('yugabyte', '2024.2.3.0', [
        '2025.1.0.0',
        '2024.2.3.0',
        '2024.2.10.0',
      ]),
    ).toEqual(['2024.2.10.0', '2025.1.0.0']);
    expect(allowedUpgrades('mongodb', '7.0', ['7.0', '8.0', '9.0'])).toEqual([
      '8.0',
    ]);
  });
});

describe('versionChangeIssue', () => {
  it('allows the same version and an allowed upgrade', () => {
    expect(versionChangeIssue('postgresql', '16', '16')).toBeUndefined();
    expect(versionChangeIssue('postgresql', '16', '17')).toBeUndefined();
  });

  it('refuses a downgrade and a skipped major version, saying what to do', () => {
    expect(versionChangeIssue('postgresql', '17', '16')).toBe(
      'Version cannot be downgraded (from 17 to 16)',
    );
    expect(
      versionChangeIssue('postgresql', '15', '17', ['15', '16', '17']),
    ).toBe(
      'PostgreSQL upgrades one major version at a time: from 15, upgrade to 16 first',
    );
  });

  it('is the rule of a config change', () => {
    const sku = exampleSkuCatalog.skus.find(s => s.engine === 'postgresql')!;
    const current = {
      ...specFromSku(exampleSkuCatalog, sku.id, sku.regions[0]),
      version: '16',
    };
    const regions = sku.regions;
    expect(
      claimSpecForChange(current, { version: '17' }, regions),
    ).toMatchObject({ ok: true, spec: { version: '17' } });
    const skipped = claimSpecForChange(
      { ...current, version: '16' },
      { version: '15' },
      regions,
    );
    expect(skipped).toMatchObject({
      ok: false,
      issues: [
        {
          path: ['config', 'version'],
          message: 'Version cannot be downgraded (from 16 to 15)',
        },
      ],
    });
  });
});

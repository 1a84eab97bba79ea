import { CLAIM_PHASES } from '../claim/serviceClaimStatus';
import {
  SERVICE_STATUSES,
  claimPhaseOf,
  serviceStatusOf,
} from './serviceStatus';

describe('serviceStatus', () => {
  it('spells each claim phase in lower case for the API and back', () => {
    expect(SERVICE_STATUSES).toEqual([
      'pending',
      'provisioning',
      'active',
      'failed',
      'deleting',
    ]);
    for (const phase of CLAIM_PHASES) {
      expect(claimPhaseOf(serviceStatusOf(phase))).toBe(phase);
    }
  });

  it('knows no phase for a string that is no API status', () => {
    expect(claimPhaseOf('Active')).toBeUndefined();
    expect(claimPhaseOf('paused')).toBeUndefined();
  });
});

import { describeWhenAvailable } from '../describeWhenAvailable';
import { findHelm } from './findHelm';

/** `describe` for a suite that runs helm (findHelm); see describeWhenAvailable. */
export function describeWithHelm(
  title: string,
  fn: (helm: string) => void,
): void {
  const found = findHelm();
  describeWhenAvailable(
    title,
    'helm',
    'helm' in found ? { value: found.helm } : found,
    fn,
  );
}

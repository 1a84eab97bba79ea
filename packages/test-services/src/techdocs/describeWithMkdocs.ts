import { describeWhenAvailable } from '../describeWhenAvailable';
import { findMkdocs } from './findMkdocs';

/**
 * `describe` for a suite that runs mkdocs from PATH (findMkdocs); its function
 * receives mkdocs' version. See describeWhenAvailable.
 */
export function describeWithMkdocs(
  title: string,
  fn: (version: string) => void,
): void {
  const found = findMkdocs();
  describeWhenAvailable(
    title,
    'mkdocs',
    'mkdocs' in found ? { value: found.mkdocs } : found,
    fn,
  );
}

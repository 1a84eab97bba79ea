import yaml from 'js-yaml';

/** A template of one step of the action, as an example shows it. */
export function exampleStep(
  step: { id: string; action: string; name: string },
  input: Record<string, unknown>,
): string {
  return yaml.dump({ steps: [{ ...step, input }] });
}

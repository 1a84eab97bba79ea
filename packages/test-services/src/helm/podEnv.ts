import type { Manifest } from './helmTemplate';

type EnvVar = {
  name: string;
  value?: string;
  valueFrom?: {
    fieldRef?: { fieldPath: string };
    secretKeyRef?: { name: string; key: string; optional?: boolean };
  };
};

/**
 * The first container's environment as a kubelet would give it from a rendered
 * Deployment: values as they are, the pod's fields from `fields` (by field path,
 * e.g. `metadata.name`), Secret keys from `secrets` (by `secret/key`). Throws for
 * anything it cannot fill in, so a test never runs with a variable silently unset.
 */
export function podEnv(
  deployment: Manifest,
  sources: {
    fields?: Record<string, string>;
    secrets?: Record<string, string>;
  } = {},
): Record<string, string> {
  const env: EnvVar[] = deployment.spec.template.spec.containers[0].env ?? [];
  const entries: [string, string][] = [];
  for (const variable of env) {
    const from = variable.valueFrom;
    if (!from) {
      entries.push([variable.name, variable.value ?? '']);
      continue;
    }
    if (
      from.fieldRef &&
      sources.fields?.[from.fieldRef.fieldPath] !== undefined
    ) {
      entries.push([variable.name, sources.fields[from.fieldRef.fieldPath]]);
      continue;
    }
    const ref = from.secretKeyRef;
    if (ref) {
      const value = sources.secrets?.[`${ref.name}/${ref.key}`];
      if (value !== undefined) {
        entries.push([variable.name, value]);
        continue;
      }
      if (ref.optional) continue;
    }
    throw new Error(
      `The chart passes ${variable.name} from ${JSON.stringify(
        from,
      )}, which the test does not fill in`,
    );
  }
  return Object.fromEntries(entries);
}

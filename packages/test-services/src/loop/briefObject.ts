import type { KubernetesObject } from '@kubernetes/client-node';

type AnyObject = KubernetesObject & Record<string, any>;

// Fields that say nothing about where an object stands, only make a line long.
const NOISE = new Set([
  'lastTransitionTime',
  'instanceNames',
  'selector',
  'writeService',
  'readService',
  'currentPrimaryTimestamp',
  'latestGeneratedNode',
  'beginWal',
  'endWal',
]);

const MAX_STRING = 160;

/** A condition as `Type=Status Reason: message`. */
function briefCondition(c: Record<string, unknown>): string {
  const message =
    typeof c.message === 'string' && c.message
      ? `: ${c.message.slice(0, 100)}`
      : '';
  return `${c.type}=${c.status}${c.reason ? ` ${c.reason}` : ''}${message}`;
}

/** A status (or any part of an object) without the noise, long strings cut. */
export function briefValue(value: unknown): unknown {
  if (typeof value === 'string') {
    return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value;
  }
  if (Array.isArray(value)) return value.map(briefValue);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([key]) => !NOISE.has(key))
      .map(([key, item]) => [
        key,
        key === 'conditions' && Array.isArray(item)
          ? item.map(c => briefCondition(c as Record<string, unknown>))
          : briefValue(item),
      ]),
  );
}

/**
 * One line about a Kubernetes object for a person reading why a test's wait
 * ran out: kind, name, generation, the `dbaas.io/` annotations and labels it
 * has, and its status.
 */
export function briefObject(object: AnyObject): string {
  const { kind, metadata = {} } = object;
  const dbaas = (map: Record<string, string> | undefined) =>
    Object.fromEntries(
      Object.entries(map ?? {}).filter(([key]) => key.startsWith('dbaas.io/')),
    );
  const annotations = dbaas(metadata.annotations);
  return [
    `${kind} ${metadata.name}`,
    `gen ${metadata.generation ?? '-'}`,
    ...(metadata.deletionTimestamp
      ? [`deleting since ${metadata.deletionTimestamp}`]
      : []),
    ...(Object.keys(annotations).length
      ? [`annotations ${JSON.stringify(annotations)}`]
      : []),
    `status ${JSON.stringify(briefValue(object.status ?? {}))}`,
  ].join(', ');
}

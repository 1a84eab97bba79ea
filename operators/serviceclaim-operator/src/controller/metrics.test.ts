import { createOperatorMetrics } from './metrics';

describe('createOperatorMetrics', () => {
  it("names Node's process metrics as the stock dashboards query them, and the operator's own under its prefix", async () => {
    const text = await createOperatorMetrics().registry.metrics();
    const names = new Set(
      text
        .split('\n')
        .filter(line => line.startsWith('# TYPE '))
        .map(line => line.split(' ')[2]),
    );
    expect([...names]).toEqual(
      expect.arrayContaining([
        'process_cpu_seconds_total',
        'process_resident_memory_bytes',
        'nodejs_eventloop_lag_seconds',
        'nodejs_heap_size_used_bytes',
        'serviceclaim_operator_reconcile_total',
        'serviceclaim_operator_leader',
      ]),
    );
    expect(
      [...names].filter(name =>
        /^serviceclaim_operator_(process|nodejs)_/.test(name),
      ),
    ).toEqual([]);
  });
});

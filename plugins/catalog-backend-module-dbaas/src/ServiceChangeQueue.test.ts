import { mockServices } from '@backstage/backend-test-utils';
import {
  ServiceChangeQueue,
  type ServiceChangeAction,
} from './ServiceChangeQueue';

type Batch = [string, ServiceChangeAction][];

describe('ServiceChangeQueue', () => {
  afterEach(() => jest.useRealTimers());

  it('applies the changes that arrive during a batch together after it, each database once', async () => {
    const batches: Batch[] = [];
    let release!: () => void;
    const held = new Promise<void>(resolve => {
      release = resolve;
    });
    const queue = new ServiceChangeQueue({
      apply: async batch => {
        batches.push(batch);
        if (batches.length === 1) await held;
        return [];
      },
      logger: mockServices.logger.mock(),
    });

    queue.add('a', 'created');
    queue.add('b', 'updated');
    queue.add('b', 'status');
    queue.add('c', 'deleted');
    // A deleted database stays deleted, whatever comes after.
    queue.add('c', 'updated');
    release();
    await new Promise(resolve => setTimeout(resolve, 10));

    expect(batches).toEqual([
      [['a', 'created']],
      [
        ['b', 'status'],
        ['c', 'deleted'],
      ],
    ]);
  });

  it('retries a change that failed after 1, 2, 4, 8 and 16 s, then leaves it to the next full run', async () => {
    jest.useFakeTimers();
    const logger = mockServices.logger.mock();
    const attemptsAt: number[] = [];
    const start = Date.now();
    const queue = new ServiceChangeQueue({
      apply: async ([[id]]) => {
        attemptsAt.push(Date.now() - start);
        return [[id, new Error('the API did not answer')]];
      },
      logger,
    });

    queue.add('a', 'created');
    await jest.advanceTimersByTimeAsync(60_000);

    expect(attemptsAt).toEqual([0, 1000, 3000, 7000, 15000, 31000]);
    expect(logger.error).toHaveBeenCalledTimes(1);
    expect(logger.error).toHaveBeenCalledWith(
      'Gave up putting DBaaS database a in the catalog; the next full run will',
      expect.objectContaining({ message: 'the API did not answer' }),
    );
  });
});

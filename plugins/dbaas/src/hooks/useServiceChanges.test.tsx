import { TestApiProvider } from '@backstage/frontend-test-utils';
import { signalApiRef, type SignalApi } from '@backstage/plugin-signals-react';
import { DBAAS_SIGNAL_CHANNEL } from '@internal/backstage-plugin-dbaas-common';
import { act, renderHook } from '@testing-library/react';
import type { ReactNode } from 'react';
import { useServiceChanges } from './useServiceChanges';

function signalBus() {
  const listeners = new Map<string, Set<(message: any) => void>>();
  const api: SignalApi = {
    subscribe(channel, onMessage) {
      const set = listeners.get(channel) ?? new Set();
      set.add(onMessage as (message: any) => void);
      listeners.set(channel, set);
      return { unsubscribe: () => set.delete(onMessage as any) };
    },
  };
  const send = (channel: string, message: object) =>
    act(() => listeners.get(channel)?.forEach(listener => listener(message)));
  return { api, send, listeners };
}

describe('useServiceChanges', () => {
  it('counts the changes of the given database only', () => {
    const bus = signalBus();
    const wrapper = ({ children }: { children: ReactNode }) => (
      <TestApiProvider apis={[[signalApiRef, bus.api]]}>
        {children}
      </TestApiProvider>
    );
    const { result, unmount } = renderHook(() => useServiceChanges('a'), {
      wrapper,
    });

    bus.send(DBAAS_SIGNAL_CHANNEL, { id: 'a', status: 'active' });
    bus.send(DBAAS_SIGNAL_CHANNEL, { id: 'b', status: 'active' });
    bus.send('other:channel', { id: 'a', status: 'failed' });
    expect(result.current).toBe(1);

    unmount();
    expect(bus.listeners.get(DBAAS_SIGNAL_CHANNEL)?.size).toBe(0);
  });

  it('counts the changes of any of several databases', () => {
    const bus = signalBus();
    const wrapper = ({ children }: { children: ReactNode }) => (
      <TestApiProvider apis={[[signalApiRef, bus.api]]}>
        {children}
      </TestApiProvider>
    );
    const { result } = renderHook(() => useServiceChanges(['a', 'c']), {
      wrapper,
    });

    bus.send(DBAAS_SIGNAL_CHANNEL, { id: 'a', status: 'active' });
    bus.send(DBAAS_SIGNAL_CHANNEL, { id: 'b', status: 'active' });
    bus.send(DBAAS_SIGNAL_CHANNEL, { id: 'c', status: 'provisioning' });
    expect(result.current).toBe(2);
  });

  it('stays at 0 without the Signals plugin', () => {
    const wrapper = ({ children }: { children: ReactNode }) => (
      <TestApiProvider apis={[]}>{children}</TestApiProvider>
    );
    const { result } = renderHook(() => useServiceChanges(), { wrapper });
    expect(result.current).toBe(0);
  });
});

import type { RegistryChange, RegistryEvents } from '../model/index.js';

/** The registry's change feed; also bumps a generation number that per-connection caches compare. */
export interface RegistryEventHub extends RegistryEvents {
  publish(change: RegistryChange): void;
  /** Increases with every change that can alter an authorization decision. */
  readonly generation: number;
}

export function createRegistryEvents(onListenerError: (error: unknown) => void = () => undefined): RegistryEventHub {
  const listeners = new Set<(change: RegistryChange) => void>();
  let generation = 0;
  return {
    get generation() {
      return generation;
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    publish(change) {
      generation++;
      for (const listener of [...listeners]) {
        try {
          listener(change);
        } catch (error) {
          onListenerError(error);
        }
      }
    },
  };
}

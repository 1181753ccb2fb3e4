import { eventChannel, events, type EventName, type EventOf } from '../../src-shared/ipc/index.js';

/** Where events go: Electron's webContents.send for each trusted window, or the harness's stream. */
export type EventSink = (channel: string, payload: unknown) => void;

export type PublishEvent = <E extends EventName>(name: E, payload: EventOf<E>) => void;

/**
 * Validates each event against the contract before it leaves main, stripping unknown fields. An event
 * that does not match is dropped and reported, never thrown: publishing is a notification, and an
 * exception here would surface inside whatever engine step emitted it.
 */
export function createEventPublisher(
  sink: EventSink,
  onDropped: (name: EventName, where: string) => void = () => {},
): PublishEvent {
  return (name, payload) => {
    const parsed = events[name].safeParse(payload);
    if (!parsed.success) {
      // The field path only: the value may be anything the engine put there.
      onDropped(name, parsed.error.issues.map((i) => i.path.join('.')).join(', '));
      return;
    }
    try {
      sink(eventChannel(name), parsed.data);
    } catch {
      onDropped(name, 'sink');
    }
  };
}

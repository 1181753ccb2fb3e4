import { eventChannel, events, type EventName, type EventOf } from '../../src-shared/ipc/index.js';

/** Where events go: Electron's webContents.send for each trusted window, or the harness's stream. */
export type EventSink = (channel: string, payload: unknown) => void;

export type PublishEvent = <E extends EventName>(name: E, payload: EventOf<E>) => void;

/** Validates each event against the contract before it leaves main, stripping unknown fields. */
export function createEventPublisher(sink: EventSink): PublishEvent {
  return (name, payload) => {
    const parsed = events[name].safeParse(payload);
    if (!parsed.success) throw new TypeError(`event ${name} does not match the contract`);
    sink(eventChannel(name), parsed.data);
  };
}

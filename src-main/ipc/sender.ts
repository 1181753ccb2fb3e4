/**
 * Who may call main. In Electron every IPC event names the frame that sent it; only the top frame of
 * one of our own windows, showing a page of our own origin, is trusted. A subframe, a page that
 * navigated elsewhere, or a window we did not create is refused, even though the preload (and so
 * window.keyrite) might be reachable there.
 */
export interface SenderFrameLike {
  readonly url: string;
  readonly parent: unknown;
}

export interface SenderEventLike {
  readonly senderFrame: SenderFrameLike | null;
  readonly sender: { readonly id: number };
}

export type SenderCheck = (event: SenderEventLike) => boolean;

export function createSenderCheck(
  appOrigin: string,
  isKnownWindow: (webContentsId: number) => boolean,
): SenderCheck {
  const expected = originOf(appOrigin);
  if (expected === null) throw new TypeError(`not an origin: ${appOrigin}`);
  return (event) => {
    const frame = event.senderFrame;
    // A frame that was destroyed or navigated away while the call was in flight is null.
    if (!frame) return false;
    if (frame.parent !== null) return false;
    if (!isKnownWindow(event.sender.id)) return false;
    return originOf(frame.url) === expected;
  };
}

function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    // Custom schemes report origin "null" unless registered as standard; compare scheme + host then.
    return parsed.origin !== 'null' ? parsed.origin : `${parsed.protocol}//${parsed.host}`;
  } catch {
    return null;
  }
}

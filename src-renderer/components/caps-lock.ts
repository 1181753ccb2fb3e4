/** What a key event says about Caps Lock (React's and the DOM's keyboard events both have these). */
export interface KeyFacts {
  key: string;
  shiftKey: boolean;
  getModifierState(key: string): boolean;
}

/**
 * Whether Caps Lock is on after this key event, given what was known before it. The modifier state is
 * not enough on its own: some platforms and remote or virtual keyboards (and Chromium's DevTools input)
 * never report it. A letter typed in the case Shift does not explain reveals it either way, and a press
 * of Caps Lock itself toggles what was known. Other keys keep the last answer.
 */
export function capsLockAfter(e: KeyFacts, before: boolean): boolean {
  if (e.getModifierState('CapsLock')) return true;
  if (e.key === 'CapsLock') return !before;
  const hasCase = e.key.length === 1 && e.key.toLowerCase() !== e.key.toUpperCase();
  if (hasCase) return (e.key === e.key.toUpperCase()) !== e.shiftKey;
  return before;
}

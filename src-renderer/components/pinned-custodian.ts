import { useEffect, useRef, useState } from 'react';

interface Listed {
  id: string;
  name: string;
}

/**
 * Which custodian a passphrase form is for, while the list under it changes: other windows and stations
 * enroll and confirm too, and each change arrives as a new list. The custodian shown stays the one
 * chosen (or first shown) for as long as they are in the list; nobody is ever swapped in silently. When
 * the one shown acts elsewhere and leaves the list, what was typed for them is cleared unsent and a
 * notice says who is shown now; when others leave while someone types, a notice says so too.
 */
export function usePinnedCustodian<T extends Listed>(
  list: readonly T[],
  /** What the custodian does that takes them off the list, in the past tense: "confirmed this step". */
  done: string,
  typing: boolean,
  clearTyped: () => void,
): { shown: T | undefined; choose(id: string): void; sending(id: string): void; notice: string | undefined } {
  const [pinned, setPinned] = useState(list[0]?.id ?? '');
  const [notice, setNotice] = useState<string>();
  const previous = useRef<readonly T[]>(list);
  /** Who this form itself sent for: their leaving the list is the form working, not news. */
  const sentFor = useRef<string | undefined>(undefined);
  const shown = list.find((c) => c.id === pinned) ?? list[0];
  const key = list.map((c) => c.id).join(' ');

  useEffect(() => {
    const before = previous.current;
    previous.current = list;
    const gone = before.filter((c) => !list.some((x) => x.id === c.id) && c.id !== sentFor.current);
    const left = before.find((c) => c.id === pinned && !list.some((x) => x.id === c.id));
    const next = list.find((c) => c.id === pinned) ?? list[0];
    if (left) {
      // Pin whoever is shown now, so a later change of the list cannot swap them either.
      setPinned(next?.id ?? '');
      if (left.id === sentFor.current) return;
      if (typing) clearTyped();
      setNotice(
        `${left.name} ${done} elsewhere${typing ? ': what was typed here was cleared and not sent' : ''}.` +
          (next ? ` This form is now for ${next.name} (${next.id}).` : ''),
      );
    } else if (gone.length > 0 && typing && next) {
      setNotice(
        `${gone.map((c) => c.name).join(' and ')} ${done} elsewhere while you typed. This form is still for ${next.name} (${next.id}).`,
      );
    }
    // Only a change of the list itself is news; typing and pinning are the form's own state.
  }, [key]);

  return {
    shown,
    notice,
    choose: (id) => {
      setPinned(id);
      setNotice(undefined);
    },
    sending: (id) => {
      sentFor.current = id;
      setNotice(undefined);
    },
  };
}

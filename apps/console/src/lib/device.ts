import { useState } from 'preact/hooks';

/**
 * A yes/no this device remembers (its localStorage): the kitchen screen's mute, its auto-print.
 * Where there is no storage (a private window may have none) the choice lasts as long as the page.
 */
export function useDeviceFlag(key: string, initial: boolean): [boolean, (on: boolean) => void] {
  const [on, setOn] = useState(() => {
    try {
      const kept = localStorage.getItem(key);
      return kept === null ? initial : kept === '1';
    } catch {
      return initial;
    }
  });
  const set = (next: boolean): void => {
    setOn(next);
    try {
      localStorage.setItem(key, next ? '1' : '0');
    } catch {
      // No storage: this page only.
    }
  };
  return [on, set];
}

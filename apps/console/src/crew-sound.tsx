import type { Order } from '@orderwire/contracts/protocol';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useDeviceFlag } from './lib/device.js';
import { t } from './lib/i18n.js';

/** Where a device remembers that its crew muted it. */
const MUTED_KEY = 'orderwire:console:sound-muted';
/** How often a waiting ticket rings again while nobody has accepted it. */
export const REPEAT_MS = 15_000;

type SoundState = 'locked' | 'on' | 'muted';

let ctx: AudioContext | undefined;

/** One tone through the page's one AudioContext (no file to fetch); `gain` 0..1. */
function tone(frequency: number, ms: number, gain: number, delay = 0): void {
  if (!ctx) return;
  const at = ctx.currentTime + delay / 1000;
  const osc = ctx.createOscillator();
  const level = ctx.createGain();
  osc.frequency.value = frequency;
  level.gain.value = gain;
  osc.connect(level).connect(ctx.destination);
  osc.start(at);
  osc.stop(at + ms / 1000);
}

/**
 * The kitchen's sound (on by default, remembered per device): browsers allow audio only after a
 * tap, so until the first tap or key the page says so; then a beep for each new ticket, again every
 * REPEAT_MS while any ticket waits to be accepted, and three loud high beeps for a ticket the hub
 * re-sent as unseen by every screen (docs/protocol.md section 14). `alerts` counts what it played.
 */
export function useKitchenSound(orders: Order[], urgent: ReadonlySet<string>) {
  const [muted, setMuted] = useDeviceFlag(MUTED_KEY, false);
  const [unlocked, setUnlocked] = useState(false);
  const [alerts, setAlerts] = useState(0);
  const live = useRef({ muted, unlocked });
  live.current = { muted, unlocked };

  useEffect(() => {
    const unlock = (): void => {
      ctx ??= new AudioContext();
      void ctx.resume();
      setUnlocked(true);
    };
    // On click, not pointerdown: the page re-lays out when the hint goes, and a pointerdown
    // handler would move the button under a finger that has not lifted yet (the tap is lost).
    document.addEventListener('click', unlock, { once: true });
    document.addEventListener('keydown', unlock, { once: true });
    return () => {
      document.removeEventListener('click', unlock);
      document.removeEventListener('keydown', unlock);
    };
  }, []);

  const play = (loud: boolean): void => {
    if (live.current.muted || !live.current.unlocked) return;
    if (loud) for (const delay of [0, 250, 500]) tone(1320, 180, 0.9, delay);
    else tone(880, 150, 0.3);
    setAlerts((n) => n + 1);
  };

  const waiting = orders.some((o) => o.status === 'placed');
  const loud = [...urgent].length > 0;
  useEffect(() => {
    if (!waiting && !loud) return;
    const timer = setInterval(() => play(loud), REPEAT_MS);
    return () => clearInterval(timer);
  }, [waiting, loud]);

  const toggle = (): void => setMuted(!muted);
  const state: SoundState = muted ? 'muted' : unlocked ? 'on' : 'locked';
  return { state, alerts, toggle, newTicket: () => play(false), unseen: () => play(true) };
}

/** The mute button: its state in words, never only a colour or an icon. */
export function SoundToggle(props: { state: SoundState; alerts: number; toggle: () => void }) {
  return (
    <button
      type="button"
      class={`sound ${props.state}`}
      aria-pressed={props.state !== 'muted'}
      data-testid="sound"
      data-state={props.state}
      data-alerts={props.alerts}
      onClick={props.toggle}
    >
      {t(`crew.sound.${props.state}`)}
    </button>
  );
}

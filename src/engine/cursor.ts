/**
 * Cursors are opaque to clients. Inside the hub a cursor is `<epoch>:<seq>`: `epoch` names one
 * life of the message log (a memory hub gets a new one at every start), `seq` counts messages in
 * publish order. A cursor from another epoch cannot be trusted, so it replays nothing and says
 * `recovered: false`.
 */
export interface ParsedCursor {
  epoch: string;
  seq: number;
}

export function formatCursor(epoch: string, seq: number): string {
  return `${epoch}:${seq}`;
}

export function parseCursor(cursor: string): ParsedCursor | undefined {
  const at = cursor.lastIndexOf(':');
  if (at <= 0) return undefined;
  const seqText = cursor.slice(at + 1);
  if (!/^\d{1,15}$/.test(seqText)) return undefined;
  return { epoch: cursor.slice(0, at), seq: Number(seqText) };
}

export interface SoakVerdict {
  pass: boolean;
  why: string;
  mbPerHour?: number;
  pctPerHour?: number;
}
export const MIN_MINUTES: number;
export function theilSen(ys: number[]): number;
export function soakVerdict(floors: number[], options?: { maxPctPerHour?: number }): SoakVerdict;

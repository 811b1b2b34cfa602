export interface Made {
  dir: string;
}
export interface Consumer extends Made {
  packed: Array<{ name: string; files: string[] }>;
  installLog: string;
}
export interface Image extends Made {
  copied: number;
}
export function outside(name: 'consumer'): Promise<Consumer>;
export function outside(name: 'image'): Promise<Image>;
export function copies(stage: string): Array<{ from?: string; sources: string[]; target: string }>;
export function stage(name: string): string;
export default function globalSetup(): Promise<void>;
export function teardown(): Promise<void>;

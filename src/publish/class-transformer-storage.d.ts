// class-transformer 0.5 ships its metadata storage (where @Type() lives) without a declaration
// for the CommonJS path that Node resolves; its types are in types/storage.d.ts.
declare module 'class-transformer/cjs/storage.js' {
  export { defaultMetadataStorage } from 'class-transformer/types/storage.js';
}

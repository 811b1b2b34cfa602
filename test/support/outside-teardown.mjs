// Jest's globalTeardown: removes the projects test/support/outside.mjs made.
export { teardown as default } from './outside.mjs';

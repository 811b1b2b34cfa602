export * from './roles.js';
export * from './errors.js';
export * from './order.js';
export * from './messages.js';
export * from './commands.js';
export * from './limits.js';
export * from './queues.js';
export * from './publish.js';

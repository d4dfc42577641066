/**
 * The schema of a registry condition. It is built in index.ts, beside the
 * list of types it chooses among (the combinators' parameters take it), and
 * is exported here too for the modules that validate a registry.
 */
export { ConditionSchema } from './index.js';

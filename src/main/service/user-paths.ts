/**
 * The path checks a host runs on what the user typed before it asks the
 * service anything (so a bad --out is refused before a project is opened),
 * the same checks the service runs on every request's path fields.
 */
export { checkUserPath } from '../io/user-path.js';
export { makeDirs } from '../io/guarded-write.js';

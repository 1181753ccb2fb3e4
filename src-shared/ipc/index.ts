// The IPC contract's public surface, for main, the preload, the renderer and tests.
export * from './names.js';
export * from './envelope.js';
export * from './contract.js';
export * from './ceremony-view.js';
export * from './api.js';
export { stepFacts, type StepFacts } from './schemas.js';

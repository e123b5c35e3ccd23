export { createTestHarness } from './harness.js';
export type { TestHarness, TestHarnessOptions, HarnessEngine } from './harness.js';
export { loadAppExtension } from './app.js';
export type { LoadedAppExtension } from './app.js';
export type {
  HarnessRequestInit,
  HarnessResponse,
  LogEntry,
  RecordedRequest,
  MockResponse,
  MockHandler,
  RequestMatcher,
} from './model.js';
export { ItemsStore, matchesFilter } from './items-store.js';
export { eventMatches } from './events.js';

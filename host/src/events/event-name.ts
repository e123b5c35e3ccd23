import { errors } from '../errors.js';
import { isHostEvent } from './host-events.js';

/**
 * The one grammar of event names an extension may emit: dot-separated lowercase segments of
 * `a-z 0-9 _ -`. No wildcard, whitespace, control, upper-case or non-ASCII character, so a
 * forged name cannot look like a host event to a human or to a listener comparing strings
 * (`Items.create`, `items.create `, `items.create\u200b`).
 */
const SEGMENT = /^[a-z0-9_-]+$/;
export const EVENT_NAME_LIMITS = Object.freeze({ maxLength: 128, maxSegments: 8 });

/**
 * Whether `event` belongs to a family the host emits: its system events, an item operation, or
 * anything with an `items` segment (a new verb on `items.` or `<collection>.items.` would reach
 * the trusted `items.*` listeners).
 */
export function isHostEventFamily(event: string): boolean {
  return isHostEvent(event) || event.split('.').includes('items');
}

/**
 * Checks a name an extension emits. Throws HOST_EVENT_NAME_INVALID for a name outside the
 * grammar and FORBIDDEN for a name in a host event family.
 */
export function assertEmittableEventName(event: string): void {
  const segments = event.split('.');
  if (
    event.length === 0 ||
    event.length > EVENT_NAME_LIMITS.maxLength ||
    segments.length > EVENT_NAME_LIMITS.maxSegments ||
    !segments.every((s) => SEGMENT.test(s))
  ) {
    throw errors.HOST_EVENT_NAME_INVALID(
      { reason: 'lowercase a-z, 0-9, "_" and "-" segments separated by dots, no wildcard' },
      { details: { length: event.length } },
    );
  }
  if (isHostEventFamily(event)) throw errors.FORBIDDEN();
}

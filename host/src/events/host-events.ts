/** First segments of the events the host emits about its own system rather than user collections. */
const SYSTEM_SCOPE =
  /^(auth|authenticate|server|app|routes|extensions|flows|operations|permissions|roles|users|settings|files|sessions|activity|revisions)$/;
/** Last segments of the events the host emits for item operations and sessions. */
const HOST_OPERATION = /^(create|update|delete|read|query|login|logout|refresh|jwt)$/;

/** An event (or pattern) about the host's own system: authentication, the server, users, files… */
export function isSystemEvent(event: string): boolean {
  return SYSTEM_SCOPE.test(event.split('.', 1)[0]!);
}

/** An event only the host emits: about its system, or an item operation on any collection. */
export function isHostEvent(event: string): boolean {
  return isSystemEvent(event) || HOST_OPERATION.test(event.slice(event.lastIndexOf('.') + 1));
}

/**
 * Access tokens whose signature this process already checked, with the user they name, until
 * they expire. A client sends the same bearer token with every request, and checking its HS256
 * signature through WebCrypto (jose) cost 80-150 µs of the host's CPU per request, more than the
 * rest of authenticating. Only a token that verified is kept, keyed by its exact text, so a
 * changed byte is checked (and refused) afresh; expiry is checked on every use as jose would
 * (`exp` must be after the current second). The user's status and role are still read per request.
 */
export interface VerifiedTokens {
  /** The user id of `token` if it verified before and has not expired since. */
  get(token: string): string | undefined;
  /** Remember a token that just verified; tokens without a numeric `exp` are not kept. */
  set(token: string, claims: { id?: unknown; exp?: unknown }): void;
  readonly size: number;
}

export function createVerifiedTokens(options: { max?: number; now?: () => number } = {}): VerifiedTokens {
  const max = options.max ?? 4096;
  const now = options.now ?? Date.now;
  const tokens = new Map<string, { user: string; exp: number }>();
  const current = () => Math.floor(now() / 1000);
  return {
    get(token) {
      const entry = tokens.get(token);
      if (!entry) return undefined;
      if (entry.exp <= current()) {
        tokens.delete(token);
        return undefined;
      }
      return entry.user;
    },
    set(token, claims) {
      if (typeof claims.exp !== 'number' || claims.exp <= current() || claims.id === undefined) return;
      // Oldest first out: bounded whatever number of clients or logins.
      if (tokens.size >= max) tokens.delete(tokens.keys().next().value!);
      tokens.set(token, { user: String(claims.id), exp: claims.exp });
    },
    get size() {
      return tokens.size;
    },
  };
}

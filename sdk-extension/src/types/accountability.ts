/** Who an operation acts for (Directus `Accountability`, the fields extensions read). */
export interface Accountability {
  user: string | null;
  role: string | null;
  /** Directus 11 role hierarchy / policies, when the host provides them. */
  roles?: string[];
  admin: boolean;
  app: boolean;
  ip?: string | null;
  userAgent?: string;
  origin?: string;
  share?: string;
}

/** A primary key value. */
export type PrimaryKey = string | number;

/** A plain JSON-like record: the shape of an item as it crosses any boundary. */
export type Item = Record<string, unknown>;

// Console sessions, kept in this process: an opaque 256-bit token in an HttpOnly cookie,
// a CSRF token the page must echo in a header on every write, idle and absolute expiry.
// The identity is re-checked against IAM on every request (see sign-in.ts), so deleting
// a user, a key or a login profile ends its sessions at once.
import { randomBytes } from 'node:crypto';

export type SessionPrincipal =
  | {
      kind: 'password';
      userName: string /** The login profile's version at sign-in: a password change ends the session. */;
      profileVersion: number;
    }
  | { kind: 'accessKey'; accessKeyId: string; secretAccessKey: string };

export interface ConsoleSession {
  token: string;
  csrf: string;
  principal: SessionPrincipal;
  createdAt: number;
  lastSeenAt: number;
}

export interface SessionLimits {
  idleMs: number;
  absoluteMs: number;
  maxSessions: number;
}

export const defaultSessionLimits: SessionLimits = {
  idleMs: 30 * 60_000,
  absoluteMs: 12 * 3600_000,
  maxSessions: 10_000,
};

export class SessionStore {
  private readonly sessions = new Map<string, ConsoleSession>();

  constructor(
    private readonly limits: SessionLimits = defaultSessionLimits,
    private readonly now: () => number = Date.now,
  ) {}

  create(principal: SessionPrincipal): ConsoleSession {
    this.sweep();
    if (this.sessions.size >= this.limits.maxSessions) {
      // The oldest goes first (Map keeps insertion order).
      const oldest = this.sessions.keys().next().value;
      if (oldest !== undefined) this.sessions.delete(oldest);
    }
    const t = this.now();
    const session: ConsoleSession = {
      token: randomBytes(32).toString('base64url'),
      csrf: randomBytes(32).toString('base64url'),
      principal,
      createdAt: t,
      lastSeenAt: t,
    };
    this.sessions.set(session.token, session);
    return session;
  }

  /** The live session for a token, with its idle clock restarted; undefined when absent or expired. */
  touch(token: string | undefined): ConsoleSession | undefined {
    if (token?.length !== 43) return undefined;
    const s = this.sessions.get(token);
    if (!s) return undefined;
    const t = this.now();
    if (t - s.lastSeenAt > this.limits.idleMs || t - s.createdAt > this.limits.absoluteMs) {
      this.sessions.delete(token);
      return undefined;
    }
    s.lastSeenAt = t;
    return s;
  }

  end(token: string): void {
    this.sessions.delete(token);
  }

  get size(): number {
    return this.sessions.size;
  }

  private sweep(): void {
    const t = this.now();
    for (const [k, s] of this.sessions) {
      if (t - s.lastSeenAt > this.limits.idleMs || t - s.createdAt > this.limits.absoluteMs) this.sessions.delete(k);
    }
  }
}

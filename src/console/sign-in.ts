// Who a console session is: an IAM user signing in with the password of their login
// profile, or anyone with an access key pair (root included). Failed attempts are counted
// per user name (or key id) and source address; after FAILURES_ALLOWED within the window,
// further attempts are refused until it passes.
import { timingSafeEqual } from 'node:crypto';
import type { CredentialResolver, Identity } from '../api/service.js';
import { loginProfileOf } from '../iam/login-profiles.js';
import { verifyPassword } from '../iam/passwords.js';
import { USER_KIND, type UserSpec, userArn, userKey } from '../iam/records.js';
import type { StoreReader } from '../store/types.js';
import { ConsoleHttpError } from './http.js';
import type { SessionPrincipal } from './sessions.js';

const FAILURES_ALLOWED = 5;
const WINDOW_MS = 15 * 60_000;
const MAX_TRACKED = 10_000;

export class SignIn {
  private readonly failures = new Map<string, { count: number; since: number }>();

  constructor(
    private readonly store: StoreReader,
    private readonly credentials: CredentialResolver,
    private readonly accountId: string,
  ) {}

  /** Checks a sign-in request body; returns the principal, or throws 401 / 429. */
  async authenticate(body: Record<string, unknown>, sourceIp: string): Promise<SessionPrincipal> {
    const { userName, password, accessKeyId, secretAccessKey } = body;
    const who =
      typeof userName === 'string'
        ? `u:${userKey(userName)}`
        : typeof accessKeyId === 'string'
          ? `k:${accessKeyId}`
          : undefined;
    if (!who || who.length > 200)
      throw new ConsoleHttpError(400, 'BadRequest', 'send userName and password, or accessKeyId and secretAccessKey');
    const key = `${who}|${sourceIp}`;
    const seen = this.failures.get(key);
    if (seen && Date.now() - seen.since < WINDOW_MS && seen.count >= FAILURES_ALLOWED) {
      throw new ConsoleHttpError(429, 'TooManyAttempts', 'Too many failed sign-in attempts; wait 15 minutes');
    }
    let principal: SessionPrincipal | undefined;
    if (typeof userName === 'string') {
      if (typeof password === 'string' && password.length <= 128 && userName.length <= 64) {
        const profile = await loginProfileOf(this.store, userName);
        if (await verifyPassword(password, profile?.spec.passwordHash))
          principal = { kind: 'password', userName: profile!.spec.userName, profileVersion: profile!.version };
      }
    } else if (
      typeof accessKeyId === 'string' &&
      typeof secretAccessKey === 'string' &&
      accessKeyId.length <= 128 &&
      secretAccessKey.length <= 128
    ) {
      const cred = await this.credentials.resolve(accessKeyId);
      if (cred && sameSecret(cred.secretAccessKey, secretAccessKey))
        principal = { kind: 'accessKey', accessKeyId, secretAccessKey };
    }
    if (!principal) {
      if (this.failures.size >= MAX_TRACKED) this.failures.clear();
      const fresh = !seen || Date.now() - seen.since >= WINDOW_MS;
      this.failures.set(key, fresh ? { count: 1, since: Date.now() } : { count: seen.count + 1, since: seen.since });
      throw new ConsoleHttpError(
        401,
        'SignInFailed',
        'The user name and password, or the access key pair, are not valid',
      );
    }
    this.failures.delete(key);
    return principal;
  }

  /** The identity behind a session now; undefined when the user, key or login profile is gone. */
  async identityOf(principal: SessionPrincipal): Promise<Identity | undefined> {
    if (principal.kind === 'accessKey') {
      const cred = await this.credentials.resolve(principal.accessKeyId);
      return cred && sameSecret(cred.secretAccessKey, principal.secretAccessKey) ? cred.identity : undefined;
    }
    const [user, profile] = await Promise.all([
      this.store.get<UserSpec>(USER_KIND, '', userKey(principal.userName)),
      loginProfileOf(this.store, principal.userName),
    ]);
    if (!user || !profile || profile.version !== principal.profileVersion) return undefined;
    return {
      accessKeyId: '',
      accountId: this.accountId,
      isRoot: false,
      userName: user.spec.userName,
      principalArn: userArn(this.accountId, user.spec.path, user.spec.userName),
    };
  }
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

import type { Request, RequestHandler, Response } from 'express';
import type { EventFields, ThreadlineEvents } from '@threadline/events';
import type { LoginLockout } from './login-lockout.ts';
import type { Session, SessionStore } from './session-store.ts';
import type { UserStore } from './user-store.ts';

export interface AuthDependencies {
  events: ThreadlineEvents;
  users: UserStore;
  sessions: SessionStore;
  lockout: LoginLockout;
}

const BEARER = /^Bearer\s+(\S+)$/i;
const AUTH_METHOD = 'password';

/** The request context every security event carries. */
export function requestFields(req: Request): EventFields {
  return {
    clientAddress: req.ip,
    userAgent: req.get('user-agent'),
    httpRoute: typeof req.route?.path === 'string' ? req.route.path : undefined,
    httpMethod: req.method,
  };
}

/** The token of an `Authorization: Bearer <token>` header. */
function bearerToken(req: Request): string | undefined {
  return BEARER.exec(req.get('authorization') ?? '')?.[1];
}

/** The live session the request's bearer token belongs to, if any. */
export function sessionOf(req: Request, sessions: SessionStore): Session | undefined {
  const token = bearerToken(req);
  return token === undefined ? undefined : sessions.find(token);
}

/**
 * `POST /login` with `{ username, password }`: 200 `{ token, tokenType, expiresAt, user }`,
 * 401 for a wrong name or password (the same answer for both), 423 while the account is
 * locked, 429 while the client address is blocked. Every outcome is a security event;
 * failures feed the brute-force detector, whose detections lock and block (see app.ts).
 */
export function loginHandler({ events, users, sessions, lockout }: AuthDependencies) {
  return async (req: Request, res: Response): Promise<void> => {
    const fields = requestFields(req);
    const blockedForMs = lockout.addressBlockedFor(req.ip ?? '');
    if (blockedForMs > 0) {
      // Not a login attempt any more: refused before the password is looked at.
      events.security.accessDenied({ ...fields, resource: 'login', reason: 'client_blocked' });
      res
        .status(429)
        .set('retry-after', String(Math.ceil(blockedForMs / 1000)))
        .json({
          error: { code: 'too_many_attempts', message: 'too many failed logins, try again later' },
        });
      return;
    }
    const { username, password } = (req.body ?? {}) as { username?: unknown; password?: unknown };
    if (typeof username !== 'string' || username === '' || typeof password !== 'string') {
      res.status(400).json({
        error: { code: 'invalid_request', message: 'expected { username, password }' },
      });
      return;
    }

    const known = users.find(username);
    if (known !== undefined && lockout.accountLockedFor(known.id) > 0) {
      events.security.loginFailed({
        ...fields,
        reason: 'locked',
        userId: known.id,
        userName: known.name,
        authMethod: AUTH_METHOD,
      });
      res.status(423).json({
        error: { code: 'locked', message: 'account locked after repeated failed logins' },
      });
      return;
    }

    const check = await users.checkPassword(username, password);
    if (check.outcome !== 'ok') {
      events.security.loginFailed({
        ...fields,
        reason: check.outcome,
        // An unknown name is recorded as typed: people type passwords into it, which the
        // events' redaction is for.
        userId: check.outcome === 'bad_password' ? check.user.id : undefined,
        userName: check.outcome === 'bad_password' ? check.user.name : username,
        authMethod: AUTH_METHOD,
      });
      res.status(401).json({
        error: { code: 'invalid_credentials', message: 'wrong user name or password' },
      });
      return;
    }

    const { token, expiresAt } = sessions.create(check.user);
    events.security.loginSucceeded({
      ...fields,
      userId: check.user.id,
      userName: check.user.name,
      authMethod: AUTH_METHOD,
    });
    res.json({
      token,
      tokenType: 'Bearer',
      expiresAt: new Date(expiresAt).toISOString(),
      user: check.user,
    });
  };
}

export interface RequireSessionOptions {
  /** What the route gives access to, for `threadline.security.resource`. */
  resource: string;
  /** A role the user must have. @default undefined (any logged-in user) */
  role?: string;
}

/**
 * Lets the request through with a live session (in `res.locals.session`, with the token in
 * `res.locals.sessionToken`); otherwise answers 401 (no or unknown token) or 403 (missing
 * role) and records `security.access_denied`.
 */
export function requireSession(
  { events, sessions }: Pick<AuthDependencies, 'events' | 'sessions'>,
  { resource, role }: RequireSessionOptions,
): RequestHandler {
  return (req, res, next) => {
    const token = bearerToken(req);
    const session = token === undefined ? undefined : sessions.find(token);
    if (session === undefined) {
      events.security.accessDenied({
        ...requestFields(req),
        resource,
        reason: token === undefined ? 'no_session' : 'invalid_session',
      });
      res
        .status(401)
        .set('www-authenticate', 'Bearer')
        .json({ error: { code: 'unauthenticated', message: 'log in first' } });
      return;
    }
    if (role !== undefined && !session.user.roles.includes(role)) {
      events.security.accessDenied({
        ...requestFields(req),
        userId: session.user.id,
        userName: session.user.name,
        resource,
        permission: role,
        reason: 'missing_role',
      });
      res.status(403).json({ error: { code: 'forbidden', message: `requires the ${role} role` } });
      return;
    }
    res.locals.session = session;
    res.locals.sessionToken = token;
    next();
  };
}

/** `POST /logout` (behind {@link requireSession}): ends the session, 204. */
export function logoutHandler({ events, sessions }: Pick<AuthDependencies, 'events' | 'sessions'>) {
  return (req: Request, res: Response): void => {
    const session = res.locals.session as Session;
    sessions.delete(res.locals.sessionToken as string);
    events.security.logout({
      ...requestFields(req),
      userId: session.user.id,
      userName: session.user.name,
    });
    res.status(204).end();
  };
}

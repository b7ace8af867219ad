import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { context } from '@opentelemetry/api';
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_METHOD_ORIGINAL,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_URL_PATH,
  ATTR_USER_AGENT_ORIGINAL,
  HTTP_REQUEST_METHOD_VALUE_OTHER,
} from '@opentelemetry/semantic-conventions';
import { errorType } from './exception-attributes.ts';
import {
  checkFunctionOption,
  checkPathListOption,
  envChoice,
  envPathList,
  invalidOption,
} from './option-values.ts';
import { HTTP_METHODS, RateLimitedWarning } from '@threadline/core';
import { createRecordWriter, validateLoggerProvider, validateSink } from './record-writer.ts';
import type { RecordAttributes, RecordLevel } from './record-writer.ts';
import { createPathMatcher, requestPath } from './request-path.ts';
import { answeredError } from './response-errors.ts';
import {
  ATTR_THREADLINE_HTTP_DURATION_MS,
  ATTR_THREADLINE_REQUEST_ID,
  ATTR_USER_ID,
} from './semconv.ts';
import { serverContext } from './server-context.ts';
import type { NextFunction, RequestLogLevel, RequestLoggerOptions } from './types.ts';

const OWNER = 'requestLogger';
export const DEFAULT_REQUEST_LOG_IGNORED_PATHS: readonly string[] = Object.freeze([
  '/health',
  '/health/simple',
  '/healthz',
  '/readyz',
  '/livez',
]);
const LEVELS: readonly RequestLogLevel[] = ['info', 'warn', 'error'];
const LEVEL_RANK: Record<RecordLevel, number> = { info: 0, warn: 1, error: 2 };
// Visible ASCII only: the id is echoed in a response header and written to logs.
const USABLE_REQUEST_ID = /^[\x21-\x7e]{1,128}$/;
const observed = new WeakSet<ServerResponse>();

interface ExpressRequestFields {
  route?: { path?: unknown };
  baseUrl?: unknown;
  ip?: unknown;
}

/**
 * Express middleware writing one log record per request when its response ends: INFO for
 * 1xx-3xx, WARN for 4xx and aborted requests, ERROR for 5xx. In a node:http server, call it
 * first in the request listener without `next`.
 */
export function requestLogger<Req extends IncomingMessage = IncomingMessage>(
  options: RequestLoggerOptions<Req> = {},
): (req: Req, res: ServerResponse, next?: NextFunction) => void {
  if (options === null || typeof options !== 'object') {
    invalidOption(OWNER, 'options', 'an object', options);
  }
  const write = createRecordWriter(
    validateSink(options.logger, OWNER),
    validateLoggerProvider(options.loggerProvider, OWNER),
    OWNER,
  );
  const level = options.level ?? envChoice('THREADLINE_REQUEST_LOG_LEVEL', LEVELS, 'info');
  if (!LEVELS.includes(level)) invalidOption(OWNER, 'level', LEVELS.join(' | '), level);
  const minimumRank = LEVEL_RANK[level];
  const isIgnored = createPathMatcher(
    checkPathListOption(options.ignoredPaths, OWNER, 'ignoredPaths') ??
      envPathList('THREADLINE_REQUEST_LOG_IGNORED_PATHS', DEFAULT_REQUEST_LOG_IGNORED_PATHS),
  );
  const requestIdHeader = options.requestIdHeader ?? 'x-request-id';
  if (
    typeof requestIdHeader !== 'string' ||
    !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(requestIdHeader)
  ) {
    invalidOption(OWNER, 'requestIdHeader', 'a header name', requestIdHeader);
  }
  const headerKey = requestIdHeader.toLowerCase();
  const getUserId = checkFunctionOption(options.getUserId, OWNER, 'getUserId');
  const getRoute = checkFunctionOption(options.getRoute, OWNER, 'getRoute');
  const failures = new RateLimitedWarning(`${OWNER}: could not log a request`);
  const userIdFailures = new RateLimitedWarning(`${OWNER}: getUserId threw`);
  const routeFailures = new RateLimitedWarning(`${OWNER}: getRoute threw`);

  function observe(req: Req, res: ServerResponse): void {
    // Mounted twice (app and router), a request is still logged once.
    if (observed.has(res)) return;
    const path = requestPath(req);
    if (isIgnored(path)) return;
    observed.add(res);
    const start = performance.now();
    const ctx = serverContext(context.active());
    const incoming = req.headers[headerKey];
    const requestId =
      typeof incoming === 'string' && USABLE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    if (!res.headersSent) res.setHeader(requestIdHeader, requestId);
    const matchedRoute = getRoute === undefined ? watchExpressRoute(req) : undefined;

    res.once('close', () => {
      try {
        const durationMs = performance.now() - start;
        const aborted = !res.writableFinished;
        const status = res.statusCode;
        const outcome: RecordLevel = aborted
          ? 'warn'
          : status >= 500
            ? 'error'
            : status >= 400
              ? 'warn'
              : 'info';
        if (LEVEL_RANK[outcome] < minimumRank) return;

        const method = req.method ?? 'GET';
        const attributes: RecordAttributes = {};
        if (HTTP_METHODS.has(method)) {
          attributes[ATTR_HTTP_REQUEST_METHOD] = method;
        } else {
          attributes[ATTR_HTTP_REQUEST_METHOD] = HTTP_REQUEST_METHOD_VALUE_OTHER;
          attributes[ATTR_HTTP_REQUEST_METHOD_ORIGINAL] = method;
        }
        attributes[ATTR_URL_PATH] = path;
        const route = routeOf(req, matchedRoute);
        if (route !== undefined) attributes[ATTR_HTTP_ROUTE] = route;
        if (res.headersSent) attributes[ATTR_HTTP_RESPONSE_STATUS_CODE] = status;
        attributes[ATTR_THREADLINE_HTTP_DURATION_MS] = Math.round(durationMs * 1000) / 1000;
        attributes[ATTR_THREADLINE_REQUEST_ID] = requestId;
        const clientAddress = clientAddressOf(req);
        if (clientAddress !== undefined) attributes[ATTR_CLIENT_ADDRESS] = clientAddress;
        const userAgent = req.headers['user-agent'];
        if (userAgent !== undefined) attributes[ATTR_USER_AGENT_ORIGINAL] = userAgent;
        const userId = userIdOf(req);
        if (userId !== undefined) attributes[ATTR_USER_ID] = userId;
        const failure = answeredError(res);
        const failureType = failure && errorType(failure.err);
        if (failureType !== undefined) attributes[ATTR_ERROR_TYPE] = failureType;
        else if (status >= 500 && res.headersSent) attributes[ATTR_ERROR_TYPE] = String(status);

        const target = route ?? path;
        const took = `${durationMs.toFixed(1)} ms`;
        const message = aborted
          ? `${method} ${target} aborted after ${took}`
          : `${method} ${target} ${status} ${took}`;
        write(outcome, message, attributes, ctx);
      } catch (err) {
        failures.report(err);
      }
    });
  }

  function routeOf(req: Req, matched: (() => string | undefined) | undefined): string | undefined {
    if (getRoute === undefined) return matched?.() ?? expressRoute(req as ExpressRequestFields);
    try {
      const route = getRoute(req);
      return typeof route === 'string' && route !== '' ? route : undefined;
    } catch (err) {
      routeFailures.report(err);
      return undefined;
    }
  }

  function userIdOf(req: Req): string | undefined {
    if (getUserId === undefined) return undefined;
    try {
      const id = getUserId(req);
      return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
    } catch (err) {
      userIdFailures.report(err);
      return undefined;
    }
  }

  return function requestLogger(req: Req, res: ServerResponse, next?: NextFunction): void {
    try {
      observe(req, res);
    } catch (err) {
      failures.report(err);
    }
    // Outside the try: what the rest of the chain throws is express's to handle, not ours.
    next?.();
  };
}

function expressRoute(req: ExpressRequestFields): string | undefined {
  const routePath = req.route?.path;
  if (typeof routePath !== 'string') return undefined;
  const base = typeof req.baseUrl === 'string' ? req.baseUrl : '';
  if (base === '') return routePath;
  return routePath === '/' ? base : base + routePath;
}

/**
 * Notes the route template when express assigns `req.route`: at that moment `req.baseUrl`
 * still names the routers the route sits in. By the time the response ends, an error passed
 * out of a nested router has already reset `req.baseUrl`.
 */
function watchExpressRoute(req: IncomingMessage): (() => string | undefined) | undefined {
  const fields = req as IncomingMessage & ExpressRequestFields;
  const descriptor = Object.getOwnPropertyDescriptor(fields, 'route');
  if (descriptor !== undefined && !descriptor.configurable) return undefined;
  let value = fields.route;
  let matched: string | undefined;
  Object.defineProperty(fields, 'route', {
    configurable: true,
    enumerable: true,
    get: () => value,
    set: (route: ExpressRequestFields['route']) => {
      value = route;
      matched = expressRoute(fields) ?? matched;
    },
  });
  return () => matched;
}

function clientAddressOf(req: IncomingMessage): string | undefined {
  // express's `req.ip` honours its `trust proxy` setting; the socket is the fallback.
  const ip = (req as ExpressRequestFields).ip;
  if (typeof ip === 'string' && ip !== '') return ip;
  return req.socket?.remoteAddress;
}

/**
 * The middy handler around an application: Powertools logger middleware (Lambda context in every
 * log line, temporary keys reset per invocation) and the app's event handling.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { createApp, type AppDeps } from './app';

type LambdaHandler = (event: unknown, context: unknown) => Promise<unknown>;

/**
 * @middy/core 7 is ESM-only (its package exports have only an "import" condition), so from this
 * CommonJS module it is loaded with a dynamic import (bundled inline by esbuild), once.
 */
type MiddyModule = typeof import('@middy/core', { with: { 'resolution-mode': 'import' } });
let middyModule: Promise<MiddyModule> | null = null;
const loadMiddy = (): Promise<MiddyModule> => (middyModule ??= import('@middy/core'));

export function wrap(resolve: () => Promise<AppDeps>, logger: Logger): LambdaHandler {
  let app: Promise<ReturnType<typeof createApp>> | null = null;
  const base = async (event: unknown): Promise<unknown> => {
    // A failed set-up (bad configuration, unreadable secret) is retried on the next invocation.
    app ??= resolve()
      .then(createApp)
      .catch((error: unknown) => {
        app = null;
        throw error;
      });
    return (await app).handle(event);
  };
  let wrapped: Promise<LambdaHandler> | null = null;
  return async (event, context) => {
    wrapped ??= loadMiddy().then(
      ({ default: middy }) =>
        middy(base).use(injectLambdaContext(logger, { resetKeys: true })) as LambdaHandler,
    );
    return (await wrapped)(event, context);
  };
}

/** The middy handler around injected dependencies (tests, `scripts/local-run.ts`). */
export function createHandler(deps: AppDeps) {
  return wrap(async () => deps, deps.logger);
}

// Runs console actions through the API's own pipeline as the signed-in identity: the same
// validation, the same authorizer (so IAM policies and their denials apply), the same handlers.
import { randomUUID } from 'node:crypto';
import type { ApiError } from '../api/errors.js';
import { toApiError } from '../api/error-mapping.js';
import { checkInput, runOperation } from '../api/pipeline.js';
import type { AuthorizationTarget, Authorizer, Identity, RequestContext, ServiceDefinition } from '../api/service.js';
import { jsonBody } from '../protocols/json-body.js';
import type { Logger } from '../runtime/logger.js';

export interface Caller {
  identity: Identity;
  sourceIp: string;
}

/** An operation's output as the handler returned it (read it with the guards of runtime/guards.ts), or its error. */
export type CallResult = { ok: true; output: unknown } | { ok: false; error: ApiError };

export class ConsoleGateway {
  private readonly byName: Map<string, ServiceDefinition>;

  constructor(
    services: ServiceDefinition[],
    private readonly authorizer: Authorizer,
    private readonly log: Logger,
    readonly region: string,
    readonly accountId: string,
  ) {
    this.byName = new Map(services.map((s) => [s.signingName, s]));
  }

  service(name: string): ServiceDefinition | undefined {
    return this.byName.get(name);
  }

  context(caller: Caller): RequestContext {
    return {
      requestId: randomUUID(),
      identity: caller.identity,
      region: this.region,
      accountId: this.accountId,
      sourceIp: caller.sourceIp,
      receivedAt: Date.now(),
    };
  }

  async call(
    caller: Caller,
    serviceName: string,
    operation: string,
    input: Record<string, unknown>,
  ): Promise<CallResult> {
    const service = this.byName.get(serviceName);
    if (!service)
      return { ok: false, error: toApiError(new Error(`no service ${serviceName}`), { log: this.log, requestId: '' }) };
    const ctx = this.context(caller);
    const result = await runOperation(service, operation, input, ctx, this.authorizer, this.log);
    this.log.info(
      {
        requestId: ctx.requestId,
        service: serviceName,
        operation,
        console: true,
        principal: caller.identity.principalArn,
        ...(result.ok ? {} : { error: result.error.code }),
      },
      'console request',
    );
    if (!result.ok) return result;
    // The console reads outputs as the JSON APIs send them (payload members unwrapped, timestamps in seconds).
    const op = service.model.operations[operation];
    return { ok: true, output: op ? jsonBody(service.model, op, result.output) : result.output };
  }

  /** The pipeline's input checks and the authorization decision, without running the handler. */
  async check(
    caller: Caller,
    serviceName: string,
    operation: string,
    input: Record<string, unknown>,
  ): Promise<ApiError | undefined> {
    const service = this.byName.get(serviceName);
    const op =
      service && Object.hasOwn(service.model.operations, operation) ? service.model.operations[operation] : undefined;
    if (!service || !op)
      return toApiError(new Error(`no operation ${serviceName}:${operation}`), { log: this.log, requestId: '' });
    const ctx = this.context(caller);
    try {
      checkInput(service, op, input);
      const target = await service.authorization(op.name, input, ctx);
      if (target) await this.authorizer.authorize(ctx, target);
      return undefined;
    } catch (err) {
      return toApiError(err, { log: this.log, requestId: ctx.requestId, service });
    }
  }

  async allowed(caller: Caller, target: AuthorizationTarget): Promise<ApiError | undefined> {
    const ctx = this.context(caller);
    try {
      await this.authorizer.authorize(ctx, target);
      return undefined;
    } catch (err) {
      return toApiError(err, { log: this.log, requestId: ctx.requestId });
    }
  }
}

export const errorJson = (e: ApiError) => ({
  code: e.code,
  message: e.message,
  status: e.status,
  denied: e.code === 'AccessDeniedException',
});

// The contracts of the one request pipeline: protocols decode and encode, services
// declare their model, handlers and authorization, and the pipeline runs
// authenticate → decode → validate → authorize → handle → encode for every AWS-style API.
import type { IncomingHttpHeaders } from 'node:http';
import type { ApiError } from './errors.js';
import type { OperationModel, ServiceModel } from '../protocols/model.js';

export interface RawRequest {
  method: string;
  /** Path as received (still percent-encoded), without the query string. */
  path: string;
  rawQuery: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

export interface Identity {
  accessKeyId: string;
  accountId: string;
  /** arn:aws:iam::<account>:root or arn:aws:iam::<account>:user<path><name> */
  principalArn: string;
  userName?: string;
  /** The IAM user's unique id (AIDA…): the value of aws:userid. */
  userId?: string;
  /** The IAM user's tags: the aws:PrincipalTag/<key> condition keys. */
  tags?: readonly { key: string; value: string }[];
  isRoot: boolean;
}

/** Set when a request arrived through an interface VPC endpoint's network interface. */
export interface EndpointVia {
  vpcEndpointId: string;
  vpcId: string;
  /** The endpoint service name, e.g. com.amazonaws.us-east-1.appmesh */
  serviceName: string;
  /** The endpoint policy document (JSON text); absent means full access. */
  policyDocument?: string;
}

export interface RequestContext {
  requestId: string;
  identity: Identity;
  region: string;
  accountId: string;
  sourceIp: string;
  via?: EndpointVia;
  /** The request arrived over TLS (the API port with --api-tls*, or an interface endpoint). */
  secureTransport?: boolean;
  /** Epoch milliseconds when the request arrived. */
  receivedAt: number;
}

export interface Decoded {
  operation: OperationModel;
  input: Record<string, unknown>;
}

export interface Protocol {
  /** Finds the operation and builds its input; throws ApiError for requests it cannot read. */
  decode(req: RawRequest, model: ServiceModel): Decoded;
  /** Writes the handler's output (the generated types' values: timestamps in epoch milliseconds) in wire form. */
  encodeResult(operation: OperationModel, output: unknown, requestId: string, model: ServiceModel): RawResponse;
  encodeError(err: ApiError, requestId: string): RawResponse;
}

/** An operation's handler as the pipeline calls it, by name, with input the protocol decoded and the model validated. */
export type Handler = (input: Record<string, unknown>, ctx: RequestContext) => Promise<unknown>;

export interface AuthorizationTarget {
  /** e.g. appmesh:CreateMesh */
  action: string;
  /** The resource ARN, or '*' */
  resource: string;
}

/**
 * A service: its model, the protocol the model names, and handlers implementing the model's generated operations
 * interface (`Ops`, e.g. LogsOperations), so a missing or mistyped operation does not compile.
 */
export interface ServiceDefinition<Ops extends object = object> {
  /** SigV4 service name in the credential scope: appmesh, ec2, servicediscovery, iam. */
  signingName: string;
  model: ServiceModel;
  protocol: Protocol;
  handlers: Ops;
  /** Largest request body the service takes (default: the edge's 1 MiB). */
  maxBodyBytes?: number;
  /** The code of an unexpected failure, when the service's model names its own (default InternalServerErrorException). */
  internalErrorCode?: string;
  /** The error a validation failure becomes in this service's vocabulary. */
  validationError(message: string): ApiError;
  /**
   * What the request acts on; may read the store (an IAM user's ARN carries its stored path). Null for the few
   * calls AWS allows every authenticated caller (sts:GetCallerIdentity).
   */
  authorization(
    operation: string,
    input: Record<string, unknown>,
    ctx: RequestContext,
  ): AuthorizationTarget | null | Promise<AuthorizationTarget | null>;
  /** Checks that must come before model validation (for errors more specific than a validation failure). */
  beforeValidation?(operation: string, input: Record<string, unknown>): void;
  /** Runs after authorization, before the handler (EC2's DryRun: authorized, so it stops here). */
  beforeHandling?(operation: string, input: Record<string, unknown>): void;
  /** Whether an unsigned or unreadable request looks like it was meant for this service (to word its error). */
  recognizes(req: RawRequest): boolean;
}

/** Decides whether an identity may perform an action (identity policy ∧ endpoint policy). */
export interface Authorizer {
  /** Throws ApiError (AccessDeniedException) when not allowed. */
  authorize(ctx: RequestContext, target: AuthorizationTarget): Promise<void>;
}

export interface ResolvedCredential {
  secretAccessKey: string;
  identity: Identity;
}

/** Maps an access key id to its secret and identity (root from config, users from IAM). */
export interface CredentialResolver {
  resolve(accessKeyId: string): Promise<ResolvedCredential | undefined>;
}

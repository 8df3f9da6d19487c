// IAM policy evaluation as a table: every row gives the policies, the principal, the
// action, the resource and the request context, the outcome AWS documents for it, and the
// rule of the IAM policy language the row demonstrates. Identity and endpoint policies are
// evaluated by the real evaluator and combined by the real authorizer rule; the request
// context is the one the authorizer builds for a request, plus the row's own keys.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RequestContext } from '../../src/api/service.js';
import { combine, conditionContext } from '../../src/auth/iam-authorizer.js';
import { type Decision, evaluate } from '../../src/auth/policy/evaluate.js';
import { parsePolicy } from '../../src/auth/policy/parse.js';

const ACCT = '111122223333';
const ALICE = `arn:aws:iam::${ACCT}:user/engineering/alice`;
const ALICE_ID = 'AIDAALICE0000000000001';
const MESH = `arn:aws:appmesh:us-east-1:${ACCT}:mesh/prod`;
const user = (pathAndName: string) => `arn:aws:iam::${ACCT}:user/${pathAndName}`;

type Statement = Record<string, unknown>;

interface Row {
  /** The AWS rule this row demonstrates. */
  rule: string;
  /** Identity policies (each a list of statements); absent with `root`. */
  identity?: Statement[][];
  /** The VPC endpoint policy the request came through, if any. */
  endpoint?: Statement[];
  version?: '2012-10-17' | '2008-10-17';
  root?: boolean;
  action?: string;
  resource?: string;
  /** Extra or replaced context keys; null removes a key. */
  context?: Record<string, string | string[] | null>;
  expect: Decision;
}

const allow = (extra: Statement = {}): Statement => ({ Effect: 'Allow', Action: '*', Resource: '*', ...extra });
const deny = (extra: Statement = {}): Statement => ({ Effect: 'Deny', Action: '*', Resource: '*', ...extra });
const allowIf = (Condition: Record<string, unknown>): Statement[][] => [[allow({ Condition })]];
const onResource = (Resource: string | string[], action = '*'): Statement[][] => [
  [{ Effect: 'Allow', Action: action, Resource }],
];

const escalation = [
  { Effect: 'Allow', Action: ['iam:CreateAccessKey', 'iam:PutUserPolicy'], Resource: user('*') },
  { Effect: 'Deny', Action: 'iam:*', Resource: user('admins/*') },
];
const longVpc = `arn:aws:ec2:us-east-1:${ACCT}:vpc/${':'.repeat(256 * 1024)}`;

const rows: Row[] = [
  // Actions
  { rule: 'no policy at all: implicit deny', identity: [], expect: 'ImplicitDeny' },
  {
    rule: 'an Allow for the exact action allows',
    identity: [[{ Effect: 'Allow', Action: 'appmesh:CreateMesh', Resource: '*' }]],
    expect: 'Allow',
  },
  {
    rule: 'actions match regardless of case',
    identity: [[{ Effect: 'Allow', Action: 'APPMESH:createmesh', Resource: '*' }]],
    expect: 'Allow',
  },
  {
    rule: 'action wildcard * in the action name',
    identity: [[{ Effect: 'Allow', Action: 'appmesh:Create*', Resource: '*' }]],
    expect: 'Allow',
  },
  {
    rule: 'action wildcard ? is exactly one character',
    identity: [[{ Effect: 'Allow', Action: 'appmesh:Creat?Mesh', Resource: '*' }]],
    expect: 'Allow',
  },
  {
    rule: 'an action of another name does not match',
    identity: [[{ Effect: 'Allow', Action: 'appmesh:List*', Resource: '*' }]],
    expect: 'ImplicitDeny',
  },
  {
    rule: 'the service prefix is part of the action',
    identity: [[{ Effect: 'Allow', Action: 'ec2:CreateMesh', Resource: '*' }]],
    expect: 'ImplicitDeny',
  },
  { rule: 'Action "*" matches every action', identity: [[allow()]], expect: 'Allow' },
  {
    rule: 'a list of actions is OR',
    identity: [[{ Effect: 'Allow', Action: ['appmesh:ListMeshes', 'appmesh:CreateMesh'], Resource: '*' }]],
    expect: 'Allow',
  },
  // Resources
  { rule: 'an exact resource ARN matches', identity: onResource(MESH), expect: 'Allow' },
  {
    rule: 'resource ARNs are case-sensitive',
    identity: onResource(`arn:aws:appmesh:us-east-1:${ACCT}:mesh/PROD`),
    expect: 'ImplicitDeny',
  },
  {
    rule: 'wildcards in the region and account parts',
    identity: onResource('arn:aws:appmesh:*:*:mesh/prod'),
    expect: 'Allow',
  },
  { rule: '? in an ARN part', identity: onResource(`arn:aws:appmesh:us-east-?:${ACCT}:mesh/prod`), expect: 'Allow' },
  {
    rule: '* in the resource part spans slashes',
    identity: onResource('arn:aws:appmesh:*:*:mesh/*'),
    resource: `${MESH}/virtualNode/web`,
    expect: 'Allow',
  },
  {
    rule: 'a resource of another type does not match',
    identity: onResource('arn:aws:appmesh:*:*:mesh/*'),
    resource: `arn:aws:ec2:us-east-1:${ACCT}:vpc/vpc-1`,
    expect: 'ImplicitDeny',
  },
  {
    rule: 'an action without resource-level permissions needs Resource "*"',
    identity: onResource('arn:aws:appmesh:*:*:mesh/*'),
    resource: '*',
    expect: 'ImplicitDeny',
  },
  { rule: 'Resource "*" covers actions without a resource', identity: [[allow()]], resource: '*', expect: 'Allow' },
  {
    rule: 'a huge caller-chosen resource id under a wildcard matches (in linear time)',
    identity: onResource('arn:aws:ec2:*:*:vpc/*'),
    action: 'ec2:DeleteVpc',
    resource: longVpc,
    expect: 'Allow',
  },
  {
    rule: 'a many-star pattern against a huge id that does not match (no backtracking)',
    identity: onResource('arn:aws:ec2:*:*:vpc/*a*a*a*a*a*a*a*a*b'),
    action: 'ec2:DeleteVpc',
    resource: `arn:aws:ec2:us-east-1:${ACCT}:vpc/${'a'.repeat(200_000)}`,
    expect: 'ImplicitDeny',
  },
  // Paths: an IAM user's ARN carries its path
  {
    rule: 'path Deny wins: CreateAccessKey for a user under /admins/',
    identity: [escalation],
    action: 'iam:CreateAccessKey',
    resource: user('admins/root-admin'),
    expect: 'Deny',
  },
  {
    rule: 'path Deny wins: PutUserPolicy for a user under /admins/',
    identity: [escalation],
    action: 'iam:PutUserPolicy',
    resource: user('admins/root-admin'),
    expect: 'Deny',
  },
  {
    rule: 'path Deny covers nested paths (/admins/eu/)',
    identity: [escalation],
    action: 'iam:CreateAccessKey',
    resource: user('admins/eu/ops'),
    expect: 'Deny',
  },
  {
    rule: 'the same user name at path / is not under the Deny',
    identity: [escalation],
    action: 'iam:CreateAccessKey',
    resource: user('root-admin'),
    expect: 'Allow',
  },
  {
    rule: 'path Allow: user/dev/* covers a user whose path is /dev/',
    identity: onResource(user('dev/*'), 'iam:CreateAccessKey'),
    action: 'iam:CreateAccessKey',
    resource: user('dev/bob'),
    expect: 'Allow',
  },
  {
    rule: 'path Allow: user/dev/* does not cover a user at /',
    identity: onResource(user('dev/*'), 'iam:CreateAccessKey'),
    action: 'iam:CreateAccessKey',
    resource: user('bob'),
    expect: 'ImplicitDeny',
  },
  {
    rule: 'an exact user ARN includes the path',
    identity: onResource(user('bob'), 'iam:GetUser'),
    action: 'iam:GetUser',
    resource: user('dev/bob'),
    expect: 'ImplicitDeny',
  },
  {
    rule: "aws:PrincipalArn carries the caller's path",
    identity: allowIf({ ArnLike: { 'aws:PrincipalArn': user('engineering/*') } }),
    expect: 'Allow',
  },
  {
    rule: 'aws:PrincipalArn without the path does not match',
    identity: allowIf({ ArnEquals: { 'aws:PrincipalArn': user('alice') } }),
    expect: 'ImplicitDeny',
  },
  // Explicit Deny beats Allow
  {
    rule: 'a Deny in the same policy beats its Allow',
    identity: [[allow(), deny({ Action: 'appmesh:CreateMesh' })]],
    expect: 'Deny',
  },
  {
    rule: 'a Deny in another identity policy beats an Allow',
    identity: [[allow()], [deny({ Action: 'appmesh:*' })]],
    expect: 'Deny',
  },
  {
    rule: 'a Deny for another action does not apply',
    identity: [[allow(), deny({ Action: 'appmesh:Delete*' })]],
    expect: 'Allow',
  },
  {
    rule: 'an endpoint-policy Deny beats an identity Allow',
    identity: [[allow()]],
    endpoint: [allow({ Principal: '*' }), deny({ Principal: '*', Action: 'appmesh:CreateMesh' })],
    expect: 'Deny',
  },
  {
    rule: 'an identity Deny beats an endpoint Allow',
    identity: [[allow(), deny()]],
    endpoint: [allow({ Principal: '*' })],
    expect: 'Deny',
  },
  {
    rule: 'an endpoint Allow alone grants nothing',
    identity: [],
    endpoint: [allow({ Principal: '*' })],
    expect: 'ImplicitDeny',
  },
  {
    rule: 'through an endpoint both policies must allow',
    identity: [[allow()]],
    endpoint: [allow({ Principal: '*', Action: 'appmesh:List*' })],
    expect: 'ImplicitDeny',
  },
  {
    rule: 'the default full-access endpoint policy adds no restriction',
    identity: [[allow()]],
    endpoint: [allow({ Principal: '*' })],
    expect: 'Allow',
  },
  {
    rule: 'the account root is not exempt from an endpoint-policy Deny',
    root: true,
    endpoint: [allow({ Principal: '*' }), deny({ Principal: '*' })],
    expect: 'Deny',
  },
  {
    rule: 'the account root may do anything its endpoint allows',
    root: true,
    endpoint: [allow({ Principal: '*' })],
    expect: 'Allow',
  },
  // NotAction / NotResource
  {
    rule: 'Allow with NotAction allows every other action',
    identity: [[{ Effect: 'Allow', NotAction: 'appmesh:Delete*', Resource: '*' }]],
    expect: 'Allow',
  },
  {
    rule: 'Allow with NotAction does not allow the listed action',
    identity: [[{ Effect: 'Allow', NotAction: 'appmesh:Create*', Resource: '*' }]],
    expect: 'ImplicitDeny',
  },
  {
    rule: 'Deny with NotAction denies everything else',
    identity: [[allow(), { Effect: 'Deny', NotAction: 'appmesh:List*', Resource: '*' }]],
    expect: 'Deny',
  },
  {
    rule: 'Deny with NotAction leaves the listed action alone',
    identity: [[allow(), { Effect: 'Deny', NotAction: 'appmesh:List*', Resource: '*' }]],
    action: 'appmesh:ListMeshes',
    expect: 'Allow',
  },
  {
    rule: 'Allow with NotResource allows other resources',
    identity: [[{ Effect: 'Allow', Action: '*', NotResource: 'arn:aws:appmesh:*:*:mesh/staging' }]],
    expect: 'Allow',
  },
  {
    rule: 'Allow with NotResource does not allow the listed resources',
    identity: [[{ Effect: 'Allow', Action: '*', NotResource: 'arn:aws:appmesh:*:*:mesh/*' }]],
    expect: 'ImplicitDeny',
  },
  {
    rule: 'Deny with NotResource denies everything outside the list',
    identity: [[allow(), { Effect: 'Deny', Action: '*', NotResource: 'arn:aws:appmesh:*:*:mesh/sandbox*' }]],
    expect: 'Deny',
  },
  // Principals in endpoint policies
  {
    rule: 'NotPrincipal (with Deny) exempts the named principal',
    identity: [[allow()]],
    endpoint: [allow({ Principal: '*' }), deny({ NotPrincipal: { AWS: ALICE } })],
    expect: 'Allow',
  },
  {
    rule: 'NotPrincipal (with Deny) denies everyone else',
    identity: [[allow()]],
    endpoint: [allow({ Principal: '*' }), deny({ NotPrincipal: { AWS: user('bob') } })],
    expect: 'Deny',
  },
  {
    rule: "Principal as an account id covers the account's users",
    identity: [[allow()]],
    endpoint: [allow({ Principal: { AWS: ACCT } })],
    expect: 'Allow',
  },
  {
    rule: "Principal as the account root ARN covers the account's users",
    identity: [[allow()]],
    endpoint: [allow({ Principal: { AWS: `arn:aws:iam::${ACCT}:root` } })],
    expect: 'Allow',
  },
  {
    rule: 'Principal naming another user does not match',
    identity: [[allow()]],
    endpoint: [allow({ Principal: { AWS: user('bob') } })],
    expect: 'ImplicitDeny',
  },
  {
    rule: 'Principal naming the caller by its full ARN (with path) matches',
    identity: [[allow()]],
    endpoint: [allow({ Principal: { AWS: ALICE } })],
    expect: 'Allow',
  },
  // Policy variables
  {
    rule: '${aws:username} in a Resource',
    identity: onResource('arn:aws:appmesh:*:*:mesh/${aws:username}'),
    resource: `arn:aws:appmesh:us-east-1:${ACCT}:mesh/alice`,
    expect: 'Allow',
  },
  {
    rule: "${aws:username} is the caller's name only",
    identity: onResource('arn:aws:appmesh:*:*:mesh/${aws:username}'),
    resource: `arn:aws:appmesh:us-east-1:${ACCT}:mesh/bob`,
    expect: 'ImplicitDeny',
  },
  {
    rule: 'variables exist only in Version 2012-10-17 (2008-10-17: text)',
    version: '2008-10-17',
    identity: onResource('arn:aws:appmesh:*:*:mesh/${aws:username}'),
    resource: `arn:aws:appmesh:us-east-1:${ACCT}:mesh/alice`,
    expect: 'ImplicitDeny',
  },
  {
    rule: '${*} is a literal *, not a wildcard',
    identity: onResource('arn:aws:appmesh:*:*:mesh/${*}'),
    expect: 'ImplicitDeny',
  },
  {
    rule: '${*} matches a literal * in the resource',
    identity: onResource('arn:aws:appmesh:*:*:mesh/${*}'),
    resource: `arn:aws:appmesh:us-east-1:${ACCT}:mesh/*`,
    expect: 'Allow',
  },
  {
    rule: '${?} is a literal ?, not a wildcard',
    identity: onResource('arn:aws:appmesh:*:*:mesh/pro${?}'),
    expect: 'ImplicitDeny',
  },
  {
    rule: '${$} is a literal $',
    identity: allowIf({ StringEquals: { 'aws:PrincipalTag/cost': '${$}100' } }),
    context: { 'aws:PrincipalTag/cost': '$100' },
    expect: 'Allow',
  },
  {
    rule: 'an unresolvable variable: the Allow statement does not apply',
    identity: onResource('arn:aws:appmesh:*:*:mesh/${aws:PrincipalTag/team}'),
    expect: 'ImplicitDeny',
  },
  {
    rule: 'an unresolvable variable: the Deny statement does not apply either',
    identity: [[allow(), deny({ Resource: 'arn:aws:appmesh:*:*:mesh/${aws:PrincipalTag/team}' })]],
    expect: 'Allow',
  },
  {
    rule: 'a variable with a default value',
    identity: onResource("arn:aws:appmesh:*:*:mesh/${aws:PrincipalTag/team, 'prod'}"),
    expect: 'Allow',
  },
  {
    rule: 'a substituted value is literal (a * in it is no wildcard)',
    identity: onResource('arn:aws:appmesh:*:*:mesh/${aws:PrincipalTag/team}'),
    context: { 'aws:PrincipalTag/team': '*' },
    expect: 'ImplicitDeny',
  },
  {
    rule: "${aws:userid} is the user's unique id",
    identity: onResource('arn:aws:appmesh:*:*:mesh/${aws:userid}'),
    resource: `arn:aws:appmesh:us-east-1:${ACCT}:mesh/${ALICE_ID}`,
    expect: 'Allow',
  },
  {
    rule: '${aws:PrincipalAccount} in the account part',
    identity: onResource('arn:aws:appmesh:*:${aws:PrincipalAccount}:mesh/*'),
    expect: 'Allow',
  },
  {
    rule: 'variables in condition values',
    identity: allowIf({
      StringEquals: { 'aws:PrincipalArn': 'arn:aws:iam::${aws:PrincipalAccount}:user/engineering/${aws:username}' },
    }),
    expect: 'Allow',
  },
  // Condition operators
  {
    rule: 'StringEquals holds for an equal value',
    identity: allowIf({ StringEquals: { 'aws:SourceVpce': 'vpce-0123' } }),
    context: { 'aws:SourceVpce': 'vpce-0123' },
    expect: 'Allow',
  },
  {
    rule: 'StringEquals is case-sensitive',
    identity: allowIf({ StringEquals: { 'aws:SourceVpce': 'VPCE-0123' } }),
    context: { 'aws:SourceVpce': 'vpce-0123' },
    expect: 'ImplicitDeny',
  },
  {
    rule: 'several values for one key are OR',
    identity: allowIf({ StringEquals: { 'aws:SourceVpce': ['vpce-other', 'vpce-0123'] } }),
    context: { 'aws:SourceVpce': 'vpce-0123' },
    expect: 'Allow',
  },
  {
    rule: 'several keys in one operator are AND',
    identity: allowIf({ StringEquals: { 'aws:SourceVpce': 'vpce-0123', 'aws:RequestedRegion': 'eu-west-1' } }),
    context: { 'aws:SourceVpce': 'vpce-0123' },
    expect: 'ImplicitDeny',
  },
  {
    rule: 'several operators are AND',
    identity: allowIf({
      StringEquals: { 'aws:RequestedRegion': 'us-east-1' },
      IpAddress: { 'aws:SourceIp': '10.0.0.0/8' },
    }),
    expect: 'Allow',
  },
  {
    rule: 'condition key names are case-insensitive',
    identity: allowIf({ StringEquals: { 'AWS:SOURCEVPCE': 'vpce-0123' } }),
    context: { 'aws:SourceVpce': 'vpce-0123' },
    expect: 'Allow',
  },
  {
    rule: 'StringEquals with an absent key is false',
    identity: allowIf({ StringEquals: { 'aws:SourceVpce': 'vpce-0123' } }),
    expect: 'ImplicitDeny',
  },
  {
    rule: 'StringNotEquals with an absent key is true',
    identity: allowIf({ StringNotEquals: { 'aws:SourceVpce': 'vpce-0123' } }),
    expect: 'Allow',
  },
  {
    rule: 'StringNotEquals with several values: none may equal',
    identity: allowIf({ StringNotEquals: { 'aws:RequestedRegion': ['eu-west-1', 'us-east-1'] } }),
    expect: 'ImplicitDeny',
  },
  {
    rule: '...IfExists holds when the key is absent',
    identity: allowIf({ StringEqualsIfExists: { 'aws:SourceVpce': 'vpce-0123' } }),
    expect: 'Allow',
  },
  {
    rule: '...IfExists still tests a present key',
    identity: allowIf({ StringEqualsIfExists: { 'aws:SourceVpce': 'vpce-0123' } }),
    context: { 'aws:SourceVpce': 'vpce-9999' },
    expect: 'ImplicitDeny',
  },
  {
    rule: 'StringEqualsIgnoreCase',
    identity: allowIf({ StringEqualsIgnoreCase: { 'aws:username': 'ALICE' } }),
    expect: 'Allow',
  },
  {
    rule: 'StringEquals treats * as a character',
    identity: allowIf({ StringEquals: { 'aws:username': 'al*' } }),
    expect: 'ImplicitDeny',
  },
  { rule: 'StringLike with * and ?', identity: allowIf({ StringLike: { 'aws:username': 'a?i*' } }), expect: 'Allow' },
  {
    rule: 'StringNotLike is false when the value matches',
    identity: allowIf({ StringNotLike: { 'aws:username': 'al*' } }),
    expect: 'ImplicitDeny',
  },
  {
    rule: 'NumericLessThan',
    identity: allowIf({ NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } }),
    context: { 'aws:MultiFactorAuthAge': '120' },
    expect: 'Allow',
  },
  {
    rule: 'NumericGreaterThanEquals false',
    identity: allowIf({ NumericGreaterThanEquals: { 'aws:MultiFactorAuthAge': '3600' } }),
    context: { 'aws:MultiFactorAuthAge': '120' },
    expect: 'ImplicitDeny',
  },
  {
    rule: 'a numeric operator on a non-number is false',
    identity: allowIf({ NumericEquals: { 'aws:MultiFactorAuthAge': '5' } }),
    context: { 'aws:MultiFactorAuthAge': 'five' },
    expect: 'ImplicitDeny',
  },
  {
    rule: 'DateGreaterThan with ISO 8601',
    identity: allowIf({ DateGreaterThan: { 'aws:CurrentTime': '2026-01-01T00:00:00Z' } }),
    expect: 'Allow',
  },
  {
    rule: 'DateLessThan with epoch seconds',
    identity: allowIf({ DateLessThan: { 'aws:CurrentTime': '1767225600' } }),
    expect: 'ImplicitDeny',
  },
  {
    rule: 'Bool: Deny when not over TLS',
    identity: [[allow(), deny({ Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]],
    context: { 'aws:SecureTransport': 'false' },
    expect: 'Deny',
  },
  {
    rule: 'Bool: the same Deny does not apply over TLS',
    identity: [[allow(), deny({ Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]],
    expect: 'Allow',
  },
  {
    rule: 'IpAddress with a CIDR',
    identity: allowIf({ IpAddress: { 'aws:SourceIp': '10.1.0.0/16' } }),
    expect: 'Allow',
  },
  {
    rule: 'NotIpAddress is false inside the range',
    identity: allowIf({ NotIpAddress: { 'aws:SourceIp': ['192.168.0.0/16', '10.0.0.0/8'] } }),
    expect: 'ImplicitDeny',
  },
  {
    rule: 'IpAddress with IPv6',
    identity: allowIf({ IpAddress: { 'aws:SourceIp': '2001:db8::/32' } }),
    context: { 'aws:SourceIp': '2001:db8::7' },
    expect: 'Allow',
  },
  {
    rule: 'ArnNotEquals',
    identity: allowIf({ ArnNotEquals: { 'aws:PrincipalArn': user('engineering/alice') } }),
    expect: 'ImplicitDeny',
  },
  { rule: 'Null true: the key is absent', identity: allowIf({ Null: { 'aws:SourceVpce': 'true' } }), expect: 'Allow' },
  { rule: 'Null false: the key is present', identity: allowIf({ Null: { 'aws:username': 'false' } }), expect: 'Allow' },
  {
    rule: 'Null true on a present key is false',
    identity: allowIf({ Null: { 'aws:username': 'true' } }),
    expect: 'ImplicitDeny',
  },
  // Set operators
  {
    rule: 'ForAllValues with no values in the request is true',
    identity: allowIf({ 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team'] } }),
    expect: 'Allow',
  },
  {
    rule: 'ForAnyValue with no values in the request is false',
    identity: allowIf({ 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['team'] } }),
    expect: 'ImplicitDeny',
  },
  {
    rule: 'ForAllValues: every request value in the set',
    identity: allowIf({ 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'env'] } }),
    context: { 'aws:TagKeys': ['env', 'team'] },
    expect: 'Allow',
  },
  {
    rule: 'ForAllValues: one value outside the set fails',
    identity: allowIf({ 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'env'] } }),
    context: { 'aws:TagKeys': ['env', 'owner'] },
    expect: 'ImplicitDeny',
  },
  {
    rule: 'ForAnyValue: one value in the set is enough',
    identity: allowIf({ 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['owner'] } }),
    context: { 'aws:TagKeys': ['env', 'owner'] },
    expect: 'Allow',
  },
  {
    rule: 'ForAllValues with StringLike wildcards',
    identity: allowIf({ 'ForAllValues:StringLike': { 'aws:TagKeys': ['app-*'] } }),
    context: { 'aws:TagKeys': ['app-a', 'app-b'] },
    expect: 'Allow',
  },
  {
    rule: 'ForAnyValue with ...IfExists holds when the key is absent',
    identity: allowIf({ 'ForAnyValue:StringEqualsIfExists': { 'aws:TagKeys': ['team'] } }),
    expect: 'Allow',
  },
  {
    rule: 'ForAnyValue:StringNotEquals: some value outside the set',
    identity: allowIf({ 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': ['env'] } }),
    context: { 'aws:TagKeys': ['env', 'owner'] },
    expect: 'Allow',
  },
];

const baseCtx = (root: boolean): RequestContext => ({
  requestId: 'r',
  region: 'us-east-1',
  accountId: ACCT,
  sourceIp: '10.1.2.3',
  receivedAt: Date.parse('2026-06-01T12:00:00Z'),
  identity: root
    ? { accessKeyId: 'AKIAROOT', accountId: ACCT, principalArn: `arn:aws:iam::${ACCT}:root`, isRoot: true }
    : {
        accessKeyId: 'AKIAALICE',
        accountId: ACCT,
        principalArn: ALICE,
        userName: 'alice',
        userId: ALICE_ID,
        isRoot: false,
      },
});

function decide(row: Row): Decision {
  const ctx = baseCtx(row.root ?? false);
  const context = new Map(conditionContext(ctx));
  context.set('aws:securetransport', 'true');
  for (const [k, v] of Object.entries(row.context ?? {})) {
    if (v === null) context.delete(k.toLowerCase());
    else context.set(k.toLowerCase(), v);
  }
  const request = {
    action: row.action ?? 'appmesh:CreateMesh',
    resource: row.resource ?? MESH,
    principal: { arn: ctx.identity.principalArn, accountId: ACCT },
    context,
  };
  const doc = (statements: Statement[], kind: 'identity' | 'resource') =>
    parsePolicy(JSON.stringify({ Version: row.version ?? '2012-10-17', Statement: statements }), kind);
  const identity = row.root
    ? 'Allow'
    : evaluate(
        (row.identity ?? []).map((s) => doc(s, 'identity')),
        request,
      );
  const endpoint = row.endpoint ? evaluate([doc(row.endpoint, 'resource')], request) : undefined;
  return combine(identity, endpoint).decision;
}

test(`the IAM evaluation table has at least 60 rows (${rows.length})`, () => {
  assert.ok(rows.length >= 60);
});

for (const [i, row] of rows.entries()) {
  test(`row ${i + 1}: ${row.rule} → ${row.expect}`, () => {
    const started = process.cpuUsage();
    assert.equal(decide(row), row.expect);
    // Matching is linear: even the rows with 200-256 KiB resource ids take milliseconds of CPU.
    const used = process.cpuUsage(started);
    assert.ok((used.user + used.system) / 1000 < 250, 'decided in under 250 ms of CPU');
  });
}

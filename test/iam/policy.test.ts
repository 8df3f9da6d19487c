// The IAM policy evaluator: parsing, every condition operator family, set qualifiers,
// IfExists, Null, wildcards, NotAction/NotResource/NotPrincipal and deny-wins.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Decision, evaluate, type PolicyRequest } from '../../src/auth/policy/evaluate.js';
import { parsePolicy, PolicyError } from '../../src/auth/policy/parse.js';

const ACCOUNT = '111122223333';
const USER = `arn:aws:iam::${ACCOUNT}:user/alice`;
const MESH = `arn:aws:appmesh:us-east-1:${ACCOUNT}:mesh/prod`;

function request(over: Partial<PolicyRequest> & { ctx?: Record<string, string | string[]> } = {}): PolicyRequest {
  const context = new Map<string, string | string[]>([
    ['aws:principalarn', USER],
    ['aws:principalaccount', ACCOUNT],
    ['aws:username', 'alice'],
    ['aws:requestedregion', 'us-east-1'],
    ['aws:sourcevpce', 'vpce-0123456789abcdef0'],
    ['aws:sourcevpc', 'vpc-0abc'],
    ['aws:sourceip', '10.1.2.3'],
    ['aws:currenttime', '2026-06-01T12:00:00Z'],
    ['aws:securetransport', 'true'],
  ]);
  for (const [k, v] of Object.entries(over.ctx ?? {})) context.set(k.toLowerCase(), v);
  return {
    action: over.action ?? 'appmesh:CreateMesh',
    resource: over.resource ?? MESH,
    principal: over.principal ?? { arn: USER, accountId: ACCOUNT },
    context,
  };
}

function decide(statements: unknown[], req = request(), kind: 'identity' | 'resource' = 'identity'): Decision {
  return evaluate([parsePolicy(JSON.stringify({ Version: '2012-10-17', Statement: statements }), kind)], req);
}

const allowIf = (condition: Record<string, unknown>, req = request()) =>
  decide([{ Effect: 'Allow', Action: '*', Resource: '*', Condition: condition }], req);

test('Action and Resource wildcards; actions match regardless of case', () => {
  assert.equal(decide([{ Effect: 'Allow', Action: 'appmesh:Create*', Resource: '*' }]), 'Allow');
  assert.equal(decide([{ Effect: 'Allow', Action: 'APPMESH:createmesh', Resource: '*' }]), 'Allow');
  assert.equal(decide([{ Effect: 'Allow', Action: 'appmesh:Creat?Mesh', Resource: '*' }]), 'Allow');
  assert.equal(decide([{ Effect: 'Allow', Action: 'appmesh:List*', Resource: '*' }]), 'ImplicitDeny');
  assert.equal(decide([{ Effect: 'Allow', Action: '*', Resource: `arn:aws:appmesh:*:${ACCOUNT}:mesh/p*` }]), 'Allow');
  assert.equal(
    decide([{ Effect: 'Allow', Action: '*', Resource: `arn:aws:appmesh:*:${ACCOUNT}:mesh/PROD` }]),
    'ImplicitDeny',
  );
  assert.equal(
    decide(
      [{ Effect: 'Allow', Action: '*', Resource: 'arn:aws:appmesh:*:*:mesh/${aws:username}' }],
      request({ resource: 'arn:aws:appmesh:us-east-1:1:mesh/alice' }),
    ),
    'Allow',
  );
});

test('explicit Deny wins over any Allow, in any policy', () => {
  assert.equal(
    decide([
      { Effect: 'Allow', Action: '*', Resource: '*' },
      { Effect: 'Deny', Action: 'appmesh:CreateMesh', Resource: '*' },
    ]),
    'Deny',
  );
  const allow = parsePolicy('{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}', 'identity');
  const deny = parsePolicy('{"Statement":{"Effect":"Deny","Action":"appmesh:*","Resource":"*"}}', 'identity');
  assert.equal(evaluate([allow, deny], request()), 'Deny');
  assert.equal(evaluate([], request()), 'ImplicitDeny');
});

test('NotAction, NotResource and NotPrincipal', () => {
  assert.equal(decide([{ Effect: 'Allow', NotAction: 'appmesh:Delete*', Resource: '*' }]), 'Allow');
  assert.equal(decide([{ Effect: 'Allow', NotAction: 'appmesh:Create*', Resource: '*' }]), 'ImplicitDeny');
  assert.equal(
    decide([
      { Effect: 'Allow', Action: '*', Resource: '*' },
      { Effect: 'Deny', NotAction: 'appmesh:List*', Resource: '*' },
    ]),
    'Deny',
  );
  assert.equal(decide([{ Effect: 'Allow', Action: '*', NotResource: `arn:aws:appmesh:*:*:mesh/staging` }]), 'Allow');
  assert.equal(decide([{ Effect: 'Allow', Action: '*', NotResource: `arn:aws:appmesh:*:*:mesh/*` }]), 'ImplicitDeny');
  const endpoint = (s: unknown) => decide([s], request(), 'resource');
  assert.equal(endpoint({ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }), 'Allow');
  assert.equal(endpoint({ Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: '*', Resource: '*' }), 'Allow');
  assert.equal(
    endpoint({ Effect: 'Allow', Principal: { AWS: [`arn:aws:iam::${ACCOUNT}:user/bob`] }, Action: '*', Resource: '*' }),
    'ImplicitDeny',
  );
  assert.equal(endpoint({ Effect: 'Allow', Principal: { AWS: USER }, Action: '*', Resource: '*' }), 'Allow');
  assert.equal(
    decide(
      [
        { Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' },
        { Effect: 'Deny', NotPrincipal: { AWS: USER }, Action: '*', Resource: '*' },
      ],
      request(),
      'resource',
    ),
    'Allow',
  );
  assert.equal(
    decide(
      [
        { Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' },
        { Effect: 'Deny', NotPrincipal: { AWS: `arn:aws:iam::${ACCOUNT}:user/bob` }, Action: '*', Resource: '*' },
      ],
      request(),
      'resource',
    ),
    'Deny',
  );
});

test('String operators, IgnoreCase, Like with wildcards, multiple values OR, multiple keys AND', () => {
  assert.equal(allowIf({ StringEquals: { 'aws:SourceVpce': 'vpce-0123456789abcdef0' } }), 'Allow');
  assert.equal(allowIf({ StringEquals: { 'aws:sourcevpce': 'VPCE-0123456789ABCDEF0' } }), 'ImplicitDeny');
  assert.equal(allowIf({ StringEqualsIgnoreCase: { 'aws:SourceVpce': 'VPCE-0123456789ABCDEF0' } }), 'Allow');
  assert.equal(allowIf({ StringNotEqualsIgnoreCase: { 'aws:SourceVpce': 'VPCE-0123456789ABCDEF0' } }), 'ImplicitDeny');
  assert.equal(allowIf({ StringNotEquals: { 'aws:SourceVpc': ['vpc-1', 'vpc-2'] } }), 'Allow');
  assert.equal(allowIf({ StringNotEquals: { 'aws:SourceVpc': ['vpc-1', 'vpc-0abc'] } }), 'ImplicitDeny');
  assert.equal(allowIf({ StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:user/al*' } }), 'Allow');
  assert.equal(allowIf({ StringNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:user/al?ce' } }), 'ImplicitDeny');
  assert.equal(allowIf({ StringEquals: { 'aws:SourceVpc': ['vpc-x', 'vpc-0abc'] } }), 'Allow');
  assert.equal(
    allowIf({ StringEquals: { 'aws:SourceVpc': 'vpc-0abc', 'aws:RequestedRegion': 'eu-west-1' } }),
    'ImplicitDeny',
  );
  assert.equal(
    allowIf({ StringEquals: { 'aws:PrincipalAccount': ACCOUNT }, StringLike: { 'aws:username': 'a*' } }),
    'Allow',
  );
});

test('missing keys: positive operators fail, negated ones hold, IfExists holds, Null tests presence', () => {
  assert.equal(allowIf({ StringEquals: { 'aws:SourceVpce': 'x' } }, request({ ctx: {} })), 'ImplicitDeny');
  const noVpce = request();
  (noVpce.context as Map<string, unknown>).delete('aws:sourcevpce');
  assert.equal(allowIf({ StringEquals: { 'aws:SourceVpce': 'vpce-0123456789abcdef0' } }, noVpce), 'ImplicitDeny');
  assert.equal(allowIf({ StringNotEquals: { 'aws:SourceVpce': 'vpce-0123456789abcdef0' } }, noVpce), 'Allow');
  assert.equal(allowIf({ StringEqualsIfExists: { 'aws:SourceVpce': 'vpce-other' } }, noVpce), 'Allow');
  assert.equal(allowIf({ StringEqualsIfExists: { 'aws:SourceVpce': 'vpce-other' } }), 'ImplicitDeny');
  assert.equal(allowIf({ Null: { 'aws:SourceVpce': 'true' } }, noVpce), 'Allow');
  assert.equal(allowIf({ Null: { 'aws:SourceVpce': 'true' } }), 'ImplicitDeny');
  assert.equal(allowIf({ Null: { 'aws:SourceVpce': 'false' } }), 'Allow');
});

test('Arn operators match part by part', () => {
  assert.equal(allowIf({ ArnEquals: { 'aws:PrincipalArn': USER } }), 'Allow');
  assert.equal(allowIf({ ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:user/*' } }), 'Allow');
  assert.equal(allowIf({ ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/*' } }), 'ImplicitDeny');
  assert.equal(allowIf({ ArnNotEquals: { 'aws:PrincipalArn': USER } }), 'ImplicitDeny');
  assert.equal(allowIf({ ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::999999999999:*' } }), 'Allow');
});

test('IpAddress and NotIpAddress with CIDRs (IPv4, IPv6, mapped)', () => {
  assert.equal(allowIf({ IpAddress: { 'aws:SourceIp': '10.1.0.0/16' } }), 'Allow');
  assert.equal(allowIf({ IpAddress: { 'aws:SourceIp': ['192.168.0.0/16', '10.1.2.3/32'] } }), 'Allow');
  assert.equal(allowIf({ IpAddress: { 'aws:SourceIp': '10.2.0.0/16' } }), 'ImplicitDeny');
  assert.equal(allowIf({ NotIpAddress: { 'aws:SourceIp': '10.2.0.0/16' } }), 'Allow');
  assert.equal(
    allowIf(
      { IpAddress: { 'aws:SourceIp': '2001:db8::/32' } },
      request({ ctx: { 'aws:SourceIp': '2001:db8:0:1::5' } }),
    ),
    'Allow',
  );
  assert.equal(
    allowIf({ IpAddress: { 'aws:SourceIp': '10.1.0.0/16' } }, request({ ctx: { 'aws:SourceIp': '::ffff:10.1.9.9' } })),
    'Allow',
  );
  assert.throws(() => allowIf({ IpAddress: { 'aws:SourceIp': '10.1.0.0/33' } }), PolicyError);
});

test('Numeric, Date and Bool operators', () => {
  const n = (op: string, v: string) => allowIf({ [op]: { 'test:n': v } }, request({ ctx: { 'test:n': '10' } }));
  assert.equal(n('NumericEquals', '10'), 'Allow');
  assert.equal(n('NumericNotEquals', '10'), 'ImplicitDeny');
  assert.equal(n('NumericLessThan', '11'), 'Allow');
  assert.equal(n('NumericLessThanEquals', '10'), 'Allow');
  assert.equal(n('NumericGreaterThan', '10'), 'ImplicitDeny');
  assert.equal(n('NumericGreaterThanEquals', '9.5'), 'Allow');
  assert.equal(n('NumericEquals', 'ten'), 'ImplicitDeny');
  assert.equal(allowIf({ DateGreaterThan: { 'aws:CurrentTime': '2026-01-01T00:00:00Z' } }), 'Allow');
  assert.equal(allowIf({ DateLessThan: { 'aws:CurrentTime': '2026-01-01T00:00:00Z' } }), 'ImplicitDeny');
  assert.equal(allowIf({ DateLessThanEquals: { 'aws:CurrentTime': '2026-06-01T12:00:00Z' } }), 'Allow');
  assert.equal(
    allowIf({ DateEquals: { 'aws:CurrentTime': String(Date.parse('2026-06-01T12:00:00Z') / 1000) } }),
    'Allow',
  );
  assert.equal(allowIf({ DateNotEquals: { 'aws:CurrentTime': '2026-06-01T12:00:00Z' } }), 'ImplicitDeny');
  assert.equal(allowIf({ DateGreaterThanEquals: { 'aws:CurrentTime': '2027-01-01T00:00:00Z' } }), 'ImplicitDeny');
  assert.equal(allowIf({ Bool: { 'aws:SecureTransport': 'true' } }), 'Allow');
  assert.equal(allowIf({ Bool: { 'aws:SecureTransport': false } }), 'ImplicitDeny');
});

test('ForAnyValue and ForAllValues over multi-valued keys', () => {
  const tags = request({ ctx: { 'aws:TagKeys': ['team', 'env'] } });
  assert.equal(allowIf({ 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['env', 'x'] } }, tags), 'Allow');
  assert.equal(allowIf({ 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['x'] } }, tags), 'ImplicitDeny');
  assert.equal(allowIf({ 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'env', 'x'] } }, tags), 'Allow');
  assert.equal(allowIf({ 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team'] } }, tags), 'ImplicitDeny');
  assert.equal(allowIf({ 'ForAllValues:StringLike': { 'aws:TagKeys': ['*'] } }, request()), 'Allow');
  assert.equal(allowIf({ 'ForAnyValue:StringLike': { 'aws:TagKeys': ['*'] } }, request()), 'ImplicitDeny');
});

test('malformed policies are rejected with a reason', () => {
  const bad = (doc: unknown, kind: 'identity' | 'resource' = 'identity') =>
    assert.throws(() => parsePolicy(typeof doc === 'string' ? doc : JSON.stringify(doc), kind), PolicyError);
  bad('{');
  bad([]);
  bad({ Version: '2001-01-01', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
  bad({ Statement: [] });
  bad({ Statement: [{ Effect: 'Maybe', Action: '*', Resource: '*' }] });
  bad({ Statement: [{ Effect: 'Allow', Resource: '*' }] });
  bad({ Statement: [{ Effect: 'Allow', Action: '*', NotAction: 'x:y', Resource: '*' }] });
  bad({ Statement: [{ Effect: 'Allow', Action: '*' }] });
  bad({ Statement: [{ Effect: 'Allow', Action: 'nocolon', Resource: '*' }] });
  bad({ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringSorta: { k: 'v' } } }] });
  bad({ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', Extra: 1 }] });
  bad({ Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }] }, 'identity');
  bad({ Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }, 'resource');
  bad({ Statement: [{ Effect: 'Allow', Principal: { AWS: 'not-an-arn' }, Action: '*', Resource: '*' }] }, 'resource');
  assert.equal(
    parsePolicy('{"Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}}', 'resource').version,
    '2008-10-17',
  );
});

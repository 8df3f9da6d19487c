// Fuzz cases for the edge: valid requests of all four protocols (App Mesh rest-json, EC2
// Query, IAM Query, Cloud Map JSON 1.1), mutated and then signed correctly again, so the
// mutation reaches decoding, validation and the handlers rather than stopping at SigV4.
import { type Agent, request } from 'node:http';
import { signRequest } from '../../src/auth/sigv4.js';
import { type Json, mutateJson, mutateString, randomString, type Rng } from './engine.js';

export interface HttpCase {
  service: 'appmesh' | 'ec2' | 'iam' | 'servicediscovery';
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  body: string;
}

const SD = 'Route53AutoNaming_v20170314';
const sd = (op: string, body: Json): HttpCase => ({
  service: 'servicediscovery',
  method: 'POST',
  path: '/',
  query: '',
  headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `${SD}.${op}` },
  body: JSON.stringify(body),
});
const mesh = (method: string, path: string, body?: Json, query = ''): HttpCase => ({
  service: 'appmesh',
  method,
  path,
  query,
  headers: body === undefined ? {} : { 'content-type': 'application/json' },
  body: body === undefined ? '' : JSON.stringify(body),
});
const form = (service: 'ec2' | 'iam', params: string): HttpCase => ({
  service,
  method: 'POST',
  path: '/',
  query: '',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: `${params}&Version=${service === 'ec2' ? '2016-11-15' : '2010-05-08'}`,
});

const vnSpec = {
  listeners: [{ portMapping: { port: 8080, protocol: 'http' } }],
  serviceDiscovery: { dns: { hostname: 'a.local' } },
  backends: [{ virtualService: { virtualServiceName: 'b.local' } }],
};
const routeSpec = {
  httpRoute: {
    match: { prefix: '/' },
    action: { weightedTargets: [{ virtualNode: 'vn', weight: 1 }] },
    retryPolicy: { maxRetries: 2, perRetryTimeout: { unit: 'ms', value: 100 }, httpRetryEvents: ['server-error'] },
  },
};

export const HTTP_SEEDS: HttpCase[] = [
  mesh('GET', '/v20190125/meshes', undefined, 'limit=5'),
  mesh('PUT', '/v20190125/meshes', {
    meshName: 'fz-m',
    spec: { egressFilter: { type: 'ALLOW_ALL' } },
    tags: [{ key: 'k', value: 'v' }],
  }),
  mesh('GET', '/v20190125/meshes/fz'),
  mesh('PUT', '/v20190125/meshes/fz/virtualNodes', { virtualNodeName: 'fz-vn', spec: vnSpec }),
  mesh('PUT', '/v20190125/meshes/fz/virtualNodes/vn', { spec: vnSpec }),
  mesh('PUT', '/v20190125/meshes/fz/virtualRouters', {
    virtualRouterName: 'fz-r',
    spec: { listeners: [{ portMapping: { port: 8080, protocol: 'http' } }] },
  }),
  mesh('PUT', '/v20190125/meshes/fz/virtualRouter/r/routes', { routeName: 'fz-route', spec: routeSpec }),
  mesh('GET', '/v20190125/meshes/fz/virtualNodes', undefined, 'limit=2&nextToken=abc'),
  mesh(
    'PUT',
    '/v20190125/tag',
    { tags: [{ key: 'a', value: 'b' }] },
    'resourceArn=arn%3Aaws%3Aappmesh%3Aus-east-1%3A111122223333%3Amesh%2Ffz',
  ),
  mesh('DELETE', '/v20190125/meshes/fz-m'),
  form('ec2', 'Action=DescribeVpcs&Filter.1.Name=tag%3Ak&Filter.1.Value.1=v&VpcId.1=vpc-1'),
  form(
    'ec2',
    'Action=CreateVpc&CidrBlock=10.7.0.0%2F16&TagSpecification.1.ResourceType=vpc&TagSpecification.1.Tag.1.Key=k&TagSpecification.1.Tag.1.Value=v',
  ),
  form('ec2', 'Action=CreateTags&ResourceId.1=vpc-00000000000000001&Tag.1.Key=k&Tag.1.Value=v'),
  form('ec2', 'Action=CreateSecurityGroup&GroupName=g&GroupDescription=d&VpcId=vpc-00000000000000001'),
  form(
    'ec2',
    'Action=AuthorizeSecurityGroupIngress&GroupId=sg-1&IpPermissions.1.IpProtocol=tcp&IpPermissions.1.FromPort=443&IpPermissions.1.ToPort=443&IpPermissions.1.IpRanges.1.CidrIp=10.0.0.0%2F8',
  ),
  form('ec2', 'Action=DescribeSubnets&MaxResults=5&NextToken=x'),
  form('ec2', 'Action=DescribeVpcEndpointServices'),
  form('iam', 'Action=ListUsers&MaxItems=3'),
  form('iam', 'Action=CreateUser&UserName=fz-u&Path=%2Fteam%2F&Tags.member.1.Key=k&Tags.member.1.Value=v'),
  form('iam', 'Action=GetUser&UserName=fz-u'),
  form(
    'iam',
    `Action=PutUserPolicy&UserName=fz-u&PolicyName=p&PolicyDocument=${encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'appmesh:*', Resource: 'arn:aws:appmesh:*:*:mesh/${aws:username}/*', Condition: { StringLike: { 'aws:SourceVpc': 'vpc-*' } } }] }))}`,
  ),
  form('iam', 'Action=ListAccessKeys&UserName=fz-u'),
  sd('ListNamespaces', { MaxResults: 5, Filters: [{ Name: 'TYPE', Values: ['HTTP'], Condition: 'EQ' }] }),
  sd('CreateHttpNamespace', { Name: 'fz-ns', CreatorRequestId: 'c1', Tags: [{ Key: 'k', Value: 'v' }] }),
  sd('CreateService', { Name: 'fz-svc', NamespaceId: 'ns-0000000000000001', Type: 'HTTP' }),
  sd('RegisterInstance', {
    ServiceId: 'srv-0000000000000001',
    InstanceId: 'i1',
    Attributes: { AWS_INSTANCE_IPV4: '10.0.0.1', AWS_INSTANCE_PORT: '80', custom: 'x' },
  }),
  sd('ListOperations', { Filters: [{ Name: 'STATUS', Values: ['SUCCESS'], Condition: 'IN' }] }),
  sd('GetInstancesHealthStatus', { ServiceId: 'srv-0000000000000001', Instances: ['i1'] }),
];

function mutateForm(rng: Rng, body: string): string {
  const pairs = body.split('&').map((p) => {
    const eq = p.indexOf('=');
    return [p.slice(0, eq < 0 ? p.length : eq), eq < 0 ? '' : p.slice(eq + 1)] as [string, string];
  });
  const i = rng.int(pairs.length);
  switch (rng.int(6)) {
    case 0:
      pairs[i]![1] = encode(mutateString(rng, decodeSafe(pairs[i]![1]))).replace(/%25/g, rng.chance(0.3) ? '%' : '%25');
      break;
    case 1:
      pairs[i]![0] = mutateString(rng, pairs[i]![0]);
      break;
    case 2:
      pairs.splice(i, 1);
      break;
    case 3: {
      // Many list members under one name.
      const n = rng.chance(0.1) ? 20_000 : 1 + rng.int(60);
      const name = rng.pick([
        'Filter',
        'VpcId',
        'Tags.member',
        'Tag',
        'IpPermissions',
        'ResourceId',
        'TagSpecification.1.Tag',
      ]);
      for (let k = 1; k <= n; k++) pairs.push([`${name}.${rng.chance(0.9) ? k : randomString(rng)}.Key`, 'a']);
      break;
    }
    case 4:
      pairs.push([encode(randomString(rng)), encode(randomString(rng))]);
      break;
    default:
      pairs.push(['Action', encode(randomString(rng))]);
      break;
  }
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

/** encodeURIComponent, except that an unpaired surrogate is sent as its (invalid) three UTF-8-style bytes. */
function encode(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return s
      .replace(/[\ud800-\udfff]/gu, (c) => {
        const n = c.charCodeAt(0);
        return `%${(0xe0 | (n >> 12)).toString(16)}%${(0x80 | ((n >> 6) & 0x3f)).toString(16)}%${(0x80 | (n & 0x3f)).toString(16)}`;
      })
      .replace(/[^%]+/g, (part) => encodeURIComponent(part));
  }
}

function parseOrUndefined(text: string): Json | undefined {
  try {
    return JSON.parse(text) as Json;
  } catch {
    return undefined;
  }
}

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/** Header values node's client will send (no CR, LF or NUL, latin1 only). */
const headerSafe = (s: string) => s.replace(/[^\t\x20-\x7e\x80-\xff]/g, '').slice(0, 4000);

/** A mutated copy of a seed. */
export function mutateCase(rng: Rng, seed: HttpCase): HttpCase {
  const c: HttpCase = { ...seed, headers: { ...seed.headers } };
  const rounds = 1 + rng.int(3);
  for (let r = 0; r < rounds; r++) {
    const what = rng.int(10);
    if (what < 4 && c.body) {
      if (c.headers['content-type']?.includes('form')) c.body = mutateForm(rng, c.body);
      else {
        const parsed = parseOrUndefined(c.body);
        c.body =
          parsed !== undefined && rng.chance(0.8) ? JSON.stringify(mutateJson(rng, parsed)) : mutateString(rng, c.body);
        if (c.body.length > 1_100_000) c.body = c.body.slice(0, 1_100_000);
      }
    } else if (what < 6) {
      const segs = c.path.split('/');
      const i = 1 + rng.int(Math.max(1, segs.length - 1));
      segs[i] = rng.chance(0.5)
        ? encode(mutateString(rng, decodeSafe(segs[i] ?? '')))
        : mutateString(rng, segs[i] ?? '').replace(/[?#\s]/g, '');
      c.path = segs.join('/') || '/';
    } else if (what < 7) {
      c.query = rng.chance(0.5)
        ? `${c.query}&${encode(randomString(rng))}=${encode(randomString(rng))}`
        : encode(mutateString(rng, c.query)).replace(/%3D/g, '=').replace(/%26/g, '&');
    } else if (what < 9) {
      const name = rng.pick([
        'content-type',
        'x-amz-target',
        'x-amz-security-token',
        'x-amz-client-context',
        'x-fuzz',
        'content-encoding',
      ]);
      c.headers[name] = headerSafe(
        name === 'x-amz-target' && c.headers[name] ? mutateString(rng, c.headers[name]) : randomString(rng),
      );
    } else {
      c.method = rng.pick(['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS']);
    }
  }
  if (c.body.length > 1_100_000) c.body = c.body.slice(0, 1_100_000);
  // What a client can put on the request line: printable ASCII (anything else percent-encoded).
  const wire = (text: string) => text.replace(/[^\x21-\x7e]/gu, (ch) => encode(ch));
  c.path = wire(c.path.slice(0, 8000)) || '/';
  if (!c.path.startsWith('/')) c.path = `/${c.path}`;
  c.query = wire(c.query.slice(0, 4000));
  return c;
}

export interface HttpOutcome {
  status: number;
  ms: number;
  body: string;
  errorType?: string;
}

/** Signs (with `keys`, or not at all) and sends one case; rejects only when the server does not answer. */
export function sendCase(
  port: number,
  region: string,
  c: HttpCase,
  keys: { accessKeyId: string; secretAccessKey: string } | undefined,
  timeoutMs: number,
  agent?: Agent,
): Promise<HttpOutcome> {
  const host = `127.0.0.1:${port}`;
  const headers = keys
    ? signRequest({
        method: c.method,
        host,
        path: c.path,
        rawQuery: c.query,
        headers: c.headers,
        body: c.body,
        ...keys,
        region,
        service: c.service,
      })
    : { ...c.headers, host };
  headers['content-length'] = String(Buffer.byteLength(c.body));
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: c.method,
        path: c.path + (c.query ? `?${c.query}` : ''),
        headers,
        agent: agent ?? false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => {
          clearTimeout(timer);
          const type = res.headers['x-amzn-errortype'];
          resolve({
            status: res.statusCode ?? 0,
            ms: performance.now() - started,
            body: Buffer.concat(chunks).toString('utf8'),
            ...(typeof type === 'string' ? { errorType: type } : {}),
          });
        });
        res.on('error', reject);
      },
    );
    const timer = setTimeout(() => {
      req.destroy(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(c.body);
  });
}

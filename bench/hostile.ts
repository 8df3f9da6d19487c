// Hostile requests: 1 MiB requests of several shapes, signed by a user with no permissions at
// all (so everything they cost is paid before authorization), each sent a few times while
// /healthz is asked over and over; reports the request's answer time and /healthz p99.
import { Agent, request } from 'node:http';
import { signRequest } from '../src/auth/sigv4.js';
import { benchCredentials, startAppmeshd, type Credentials } from './lib/servers.js';
import { log, median, quantile } from './lib/util.js';

export interface HostileShape {
  name: string;
  bytes: number;
  status: number;
  error: string;
  /** Median answer time over the repetitions. */
  ms: number;
  healthzP99Ms: number;
  healthzMaxMs: number;
}

export interface HostileResult {
  repetitions: number;
  shapes: HostileShape[];
}

const MiB = 1024 * 1024;

interface Shape {
  name: string;
  service: 'appmesh' | 'ec2' | 'iam' | 'servicediscovery';
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

function fill(head: string, item: (i: number) => string, sep: string, tail: string, bytes = MiB): string {
  const parts: string[] = [];
  let size = head.length + tail.length;
  for (let i = 1; ; i++) {
    const p = item(i);
    if (size + p.length + sep.length > bytes) break;
    parts.push(p);
    size += p.length + sep.length;
  }
  return `${head}${parts.join(sep)}${tail}`;
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const JSON11 = (op: string) => ({
  'content-type': 'application/x-amz-json-1.1',
  'x-amz-target': `Route53AutoNaming_v20170314.${op}`,
});

function shapes(): Shape[] {
  const half = MiB / 2 - 64;
  return [
    {
      name: 'EC2 DescribeVpcs, 1 MiB of Filter.N.Name',
      service: 'ec2',
      method: 'POST',
      path: '/',
      headers: FORM,
      body: fill('Action=DescribeVpcs&Version=2016-11-15&', (i) => `Filter.${i}.Name=a`, '&', ''),
    },
    {
      name: 'EC2, 1 MiB of distinct unknown parameters',
      service: 'ec2',
      method: 'POST',
      path: '/',
      headers: FORM,
      body: fill('Action=DescribeVpcs&Version=2016-11-15&', (i) => `P${i}=a`, '&', ''),
    },
    {
      name: 'EC2 CreateSecurityGroup, a 1 MiB description',
      service: 'ec2',
      method: 'POST',
      path: '/',
      headers: FORM,
      body: `Action=CreateSecurityGroup&Version=2016-11-15&GroupName=g&GroupDescription=${'d'.repeat(MiB - 80)}`,
    },
    {
      name: 'IAM CreateUser, 1 MiB of Tags.member.N.Key',
      service: 'iam',
      method: 'POST',
      path: '/',
      headers: FORM,
      body: fill('Action=CreateUser&Version=2010-05-08&UserName=u&', (i) => `Tags.member.${i}.Key=k`, '&', ''),
    },
    {
      name: 'IAM PutUserPolicy, a 1 MiB policy document',
      service: 'iam',
      method: 'POST',
      path: '/',
      headers: FORM,
      body: `Action=PutUserPolicy&Version=2010-05-08&UserName=u&PolicyName=p&PolicyDocument=${'%7B'.repeat((MiB - 100) / 3)}`,
    },
    {
      name: 'App Mesh CreateMesh, JSON nested 500,000 deep',
      service: 'appmesh',
      method: 'PUT',
      path: '/v20190125/meshes',
      headers: { 'content-type': 'application/json' },
      body: `{"meshName":"d","spec":${'['.repeat(half)}${']'.repeat(half)}}`,
    },
    {
      name: 'App Mesh CreateMesh, a JSON object of 100,000 members',
      service: 'appmesh',
      method: 'PUT',
      path: '/v20190125/meshes',
      headers: { 'content-type': 'application/json' },
      body: fill('{"meshName":"w","spec":{', (i) => `"k${i}":1`, ',', '}}'),
    },
    {
      name: 'App Mesh CreateMesh, a 1 MiB mesh name',
      service: 'appmesh',
      method: 'PUT',
      path: '/v20190125/meshes',
      headers: { 'content-type': 'application/json' },
      body: `{"meshName":"${'a'.repeat(MiB - 20)}"}`,
    },
    {
      name: 'App Mesh CreateVirtualNode, 1 MiB of listeners',
      service: 'appmesh',
      method: 'PUT',
      path: '/v20190125/meshes/m/virtualNodes',
      headers: { 'content-type': 'application/json' },
      body: fill(
        '{"virtualNodeName":"v","spec":{"listeners":[',
        () => '{"portMapping":{"port":1,"protocol":"http"}}',
        ',',
        ']}}',
      ),
    },
    {
      name: 'Cloud Map RegisterInstance, 1 MiB of attributes',
      service: 'servicediscovery',
      method: 'POST',
      path: '/',
      headers: JSON11('RegisterInstance'),
      body: fill('{"ServiceId":"srv-1","InstanceId":"i","Attributes":{', (i) => `"a${i}":"v"`, ',', '}}'),
    },
    {
      name: 'Cloud Map ListNamespaces, 1 MiB of filter values',
      service: 'servicediscovery',
      method: 'POST',
      path: '/',
      headers: JSON11('ListNamespaces'),
      body: fill('{"Filters":[{"Name":"TYPE","Condition":"IN","Values":[', () => '"HTTP"', ',', ']}]}'),
    },
    {
      name: "App Mesh ListMeshes, 900 signed headers (within node's header limits)",
      service: 'appmesh',
      method: 'GET',
      path: '/v20190125/meshes',
      headers: Object.fromEntries(Array.from({ length: 900 }, (_, i) => [`x-h${i}`, 'v'])),
      body: '',
    },
  ];
}

function healthzOnce(port: number, agent: Agent): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/healthz', agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(performance.now() - started));
    });
    req.on('error', reject);
    req.end();
  });
}

function send(port: number, creds: Credentials, s: Shape): Promise<{ status: number; error: string; ms: number }> {
  const headers = signRequest({
    method: s.method,
    host: `127.0.0.1:${port}`,
    path: s.path,
    headers: s.headers,
    body: s.body,
    ...creds,
    service: s.service,
  });
  headers['content-length'] = String(Buffer.byteLength(s.body));
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: s.method, path: s.path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const error = String(
          res.headers['x-amzn-errortype'] ??
            /<Code>([^<]*)<\/Code>/.exec(text)?.[1] ??
            /"__type":"([^"]*)"/.exec(text)?.[1] ??
            '',
        );
        resolve({ status: res.statusCode ?? 0, error, ms: performance.now() - started });
      });
    });
    req.on('error', reject);
    req.end(s.body);
  });
}

/** Signed IAM Query call with the root key; returns the XML text. */
function iam(port: number, body: string): Promise<string> {
  const headers = signRequest({
    method: 'POST',
    host: `127.0.0.1:${port}`,
    path: '/',
    headers: FORM,
    body,
    ...benchCredentials,
    service: 'iam',
  });
  headers['content-length'] = String(Buffer.byteLength(body));
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
    req.on('error', reject);
    req.end(body);
  });
}

export async function runHostile(opts: { repetitions: number }): Promise<HostileResult> {
  const server = await startAppmeshd();
  try {
    await iam(server.port, 'Action=CreateUser&Version=2010-05-08&UserName=nobody');
    const key = await iam(server.port, 'Action=CreateAccessKey&Version=2010-05-08&UserName=nobody');
    const nobody: Credentials = {
      accessKeyId: /<AccessKeyId>([^<]+)</.exec(key)![1]!,
      secretAccessKey: /<SecretAccessKey>([^<]+)</.exec(key)![1]!,
      region: benchCredentials.region,
    };
    // The user directory follows the store: wait until the new key is known.
    for (let i = 0; i < 100; i++) {
      const r = await send(server.port, nobody, {
        name: '',
        service: 'appmesh',
        method: 'GET',
        path: '/v20190125/meshes',
        headers: {},
        body: '',
      });
      if (r.status !== 403 || r.error !== 'UnrecognizedClientException') break;
      await new Promise((res) => setTimeout(res, 50));
    }
    const out: HostileShape[] = [];
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    for (const s of shapes()) {
      const times: number[] = [];
      const healthz: number[] = [];
      let last = { status: 0, error: '' };
      for (let r = 0; r < opts.repetitions; r++) {
        let running = true;
        const probe = (async () => {
          while (running) {
            healthz.push(await healthzOnce(server.port, agent));
            await new Promise((res) => setTimeout(res, 2));
          }
        })();
        await new Promise((res) => setTimeout(res, 10));
        const answer = await send(server.port, nobody, s);
        running = false;
        await probe;
        times.push(answer.ms);
        last = answer;
      }
      healthz.sort((a, b) => a - b);
      const shape: HostileShape = {
        name: s.name,
        bytes:
          Buffer.byteLength(s.body) + Object.entries(s.headers).reduce((n, [k, v]) => n + k.length + v.length + 4, 0),
        status: last.status,
        error: last.error,
        ms: median(times),
        healthzP99Ms: quantile(healthz, 0.99),
        healthzMaxMs: healthz.at(-1) ?? 0,
      };
      log(
        `hostile: ${shape.name}: ${shape.status} ${shape.error} in ${shape.ms.toFixed(1)} ms, /healthz p99 ${shape.healthzP99Ms.toFixed(1)} ms`,
      );
      out.push(shape);
    }
    agent.destroy();
    return { repetitions: opts.repetitions, shapes: out };
  } finally {
    await server.stop();
  }
}

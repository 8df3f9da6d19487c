// Shared pieces of the hostile-input tests: Query calls signed by any key, a user with no
// permissions at all, and a /healthz prober that measures how long the process took to
// answer while something else was running.
import { request } from 'node:http';
import type { RunningServer } from '../helpers/server.js';
import { rawRequest, type RawOptions, type RawResult } from '../helpers/raw.js';
import { sleep, until } from '../helpers/wait.js';

export const FORM = 'application/x-www-form-urlencoded';
export const EC2_VERSION = '2016-11-15';
export const IAM_VERSION = '2010-05-08';

export interface Keys {
  accessKeyId: string;
  secretAccessKey: string;
}

/** A signed Query call (EC2 or IAM) with the parameters as the form body. */
export function queryCall(
  server: RunningServer,
  service: 'ec2' | 'iam',
  body: string,
  keys?: Keys,
  extra: Partial<RawOptions> = {},
): Promise<RawResult> {
  return rawRequest(server, {
    method: 'POST',
    path: '/',
    body,
    service,
    headers: { 'content-type': FORM, ...(extra.headers ?? {}) },
    ...(keys ? { accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey } : {}),
    ...Object.fromEntries(Object.entries(extra).filter(([k]) => k !== 'headers')),
  });
}

/** The text of the first <name> element of an XML answer. */
export function xmlText(xml: string, name: string): string | undefined {
  return new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
}

/** Creates an IAM user with an access key and no policy: authenticated, authorized for nothing. */
export async function unprivilegedUser(server: RunningServer, name = 'nobody'): Promise<Keys> {
  const made = await queryCall(server, 'iam', `Action=CreateUser&Version=${IAM_VERSION}&UserName=${name}`);
  if (made.status !== 200) throw new Error(`CreateUser: ${made.status} ${made.text}`);
  const key = await queryCall(server, 'iam', `Action=CreateAccessKey&Version=${IAM_VERSION}&UserName=${name}`);
  const accessKeyId = xmlText(key.text, 'AccessKeyId');
  const secretAccessKey = xmlText(key.text, 'SecretAccessKey');
  if (!accessKeyId || !secretAccessKey) throw new Error(`CreateAccessKey: ${key.status} ${key.text}`);
  // The user directory follows the store; wait until the new key authenticates.
  await until(
    async () => {
      const probe = await queryCall(server, 'ec2', `Action=DescribeVpcs&Version=${EC2_VERSION}`, {
        accessKeyId,
        secretAccessKey,
      });
      return xmlText(probe.text, 'Code') !== 'AuthFailure';
    },
    { timeoutMs: 10_000, what: 'the new access key to authenticate' },
  );
  return { accessKeyId, secretAccessKey };
}

function healthzOnce(server: RunningServer): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.apiPort, path: '/healthz', agent: false }, (res) => {
      res.resume();
      res.on('end', () =>
        res.statusCode === 200 ? resolve(performance.now() - started) : reject(new Error(`/healthz ${res.statusCode}`)),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

export interface HealthzProbe {
  /** Resolves with the first answer (rejects when the probe failed before it). */
  answering: Promise<void>;
  /** Stops probing; resolves with the slowest answer (ms) and how many answers came. */
  stop(): Promise<{ maxMs: number; answers: number }>;
}

/** Asks /healthz over and over (one at a time, a fresh connection each) until stopped. */
export function probeHealthz(server: RunningServer): HealthzProbe {
  let running = true;
  let maxMs = 0;
  let answers = 0;
  let answered = () => {};
  let failed = (_err: unknown) => {};
  const answering = new Promise<void>((resolve, reject) => {
    answered = resolve;
    failed = reject;
  });
  answering.catch(() => undefined); // stop() reports the failure to those who do not wait for the first answer
  const loop = (async () => {
    while (running) {
      const ms = await healthzOnce(server);
      maxMs = Math.max(maxMs, ms);
      answers++;
      answered();
      await sleep(5); // the pace of the probe
    }
  })();
  loop.catch(failed);
  return {
    answering,
    async stop() {
      running = false;
      await loop;
      return { maxMs, answers };
    },
  };
}

/** Runs `fn` while probing /healthz; returns its result, how long it took, and the probe's numbers. */
export async function whileProbing<T>(
  server: RunningServer,
  fn: () => Promise<T>,
): Promise<{ result: T; ms: number; healthzMaxMs: number; healthzAnswers: number }> {
  const probe = probeHealthz(server);
  await probe.answering;
  const started = performance.now();
  const result = await fn();
  const ms = performance.now() - started;
  const { maxMs, answers } = await probe.stop();
  return { result, ms, healthzMaxMs: maxMs, healthzAnswers: answers };
}

// The console's HTTP surface without a browser: security headers and the CSP on every page
// and asset, the session cookie, CSRF and cross-origin refusals, sign-in throttling, sessions
// ending when the identity behind them goes, and IAM login profiles through the aws CLI.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  CreateLoginProfileCommand,
  CreateUserCommand,
  IAMClient,
  UpdateLoginProfileCommand,
} from '@aws-sdk/client-iam';
import { startServer, type RunningServer } from '../helpers/server.js';
import { awsError, awsJson } from '../helpers/aws-cli.js';

let server: RunningServer;
let consoleBase: string;
const PASSWORD = 'Sup3r-Secret-Pass!';

before(async () => {
  server = await startServer({ args: ['--console', '--console-port', '0'] });
  consoleBase = `http://127.0.0.1:${Number(server.ready.consolePort)}`;
});
after(async () => {
  await server?.stop();
  server?.cleanup();
});

async function signIn(
  body: Record<string, string>,
  base = server.endpoint,
): Promise<{ status: number; cookie?: string; csrf?: string; setCookie?: string }> {
  const res = await fetch(`${base}/console/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as { csrf?: string };
  const setCookie = res.headers.get('set-cookie') ?? undefined;
  return {
    status: res.status,
    ...(setCookie ? { setCookie, cookie: setCookie.split(';')[0]! } : {}),
    ...(json.csrf ? { csrf: json.csrf } : {}),
  };
}

const root = () => ({
  accessKeyId: server.credentials.accessKeyId,
  secretAccessKey: server.credentials.secretAccessKey,
});

test('pages and assets carry a CSP without inline scripts and the security headers, on both mounts', async () => {
  for (const base of [server.endpoint, consoleBase]) {
    for (const path of ['/console/', '/console/app.js', '/console/app.css', '/console/api/session']) {
      const res = await fetch(`${base}${path}`);
      await res.arrayBuffer();
      const csp = res.headers.get('content-security-policy') ?? '';
      assert.match(csp, /(^|; )script-src 'self'(;|$)/, `${base}${path}: ${csp}`);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/, path);
      assert.match(csp, /default-src 'none'/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(res.headers.get('x-frame-options'), 'DENY');
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
    }
  }
  const page = await (await fetch(`${server.endpoint}/console/`)).text();
  assert.match(page, /<script type="module" src="app.js"><\/script>/);
  assert.doesNotMatch(
    page.replace(/<script type="module" src="app.js"><\/script>/, ''),
    /<script|\son[a-z]+\s*=|\sstyle\s*=/i,
    'no inline script, handler or style',
  );
  assert.doesNotMatch(page, /https?:\/\//, 'no CDN or external font');
  const root = await fetch(`${consoleBase}/`, { redirect: 'manual' });
  assert.equal(root.headers.get('location'), '/console/');
});

test('the session cookie is HttpOnly and SameSite=Strict; sign-out ends the session', async () => {
  const s = await signIn(root());
  assert.equal(s.status, 200);
  assert.match(s.setCookie!, /HttpOnly/);
  assert.match(s.setCookie!, /SameSite=Strict/);
  assert.match(s.setCookie!, /Path=\/console\//);
  assert.doesNotMatch(s.setCookie!, /Secure/, 'no Secure flag over plain HTTP (it would never be sent back)');
  assert.equal((await fetch(`${server.endpoint}/console/api/meshes`, { headers: { cookie: s.cookie! } })).status, 200);
  const out = await fetch(`${server.endpoint}/console/api/session`, {
    method: 'DELETE',
    headers: { cookie: s.cookie!, 'content-type': 'application/json', 'x-appmeshd-csrf': s.csrf! },
  });
  assert.equal(out.status, 200);
  assert.match(out.headers.get('set-cookie') ?? '', /Max-Age=0/);
  assert.equal((await fetch(`${server.endpoint}/console/api/meshes`, { headers: { cookie: s.cookie! } })).status, 401);
});

test('writes need the CSRF header and a same-origin Origin', async () => {
  const s = await signIn(root());
  const post = (headers: Record<string, string>) =>
    fetch(`${server.endpoint}/console/api/call`, {
      method: 'POST',
      headers: { cookie: s.cookie!, 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ operation: 'CreateMesh', input: { meshName: 'csrf-test' } }),
    });
  const none = await post({});
  assert.equal(none.status, 403);
  assert.equal(((await none.json()) as { error: { code: string } }).error.code, 'CsrfTokenMismatch');
  assert.equal((await post({ 'x-appmeshd-csrf': 'x'.repeat(43) })).status, 403);
  assert.equal((await post({ 'x-appmeshd-csrf': s.csrf!, origin: 'https://evil.example' })).status, 403);
  const ok = await post({ 'x-appmeshd-csrf': s.csrf!, origin: server.endpoint });
  assert.equal(ok.status, 200, await ok.clone().text());
  // Form posts (what a cross-site page could send without CORS) are refused before anything else.
  const form = await fetch(`${server.endpoint}/console/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'userName=a&password=b',
  });
  assert.equal(form.status, 415);
});

test('IAM login profiles through the aws CLI; a password signs in; deleting the profile ends the session', async () => {
  await awsJson(server, ['iam', 'create-user', '--user-name', 'carol']);
  await awsError(
    server,
    ['iam', 'create-login-profile', '--user-name', 'carol', '--password', 'short'],
    'PasswordPolicyViolation',
  );
  const created = await awsJson(server, [
    'iam',
    'create-login-profile',
    '--user-name',
    'carol',
    '--password',
    PASSWORD,
    '--password-reset-required',
  ]);
  assert.equal(created.LoginProfile.UserName, 'carol');
  assert.equal(created.LoginProfile.PasswordResetRequired, true);
  await awsError(
    server,
    ['iam', 'create-login-profile', '--user-name', 'carol', '--password', PASSWORD],
    'EntityAlreadyExists',
  );
  assert.equal(
    (await awsJson(server, ['iam', 'get-login-profile', '--user-name', 'carol'])).LoginProfile.UserName,
    'carol',
  );
  await awsJson(server, ['iam', 'update-login-profile', '--user-name', 'carol', '--no-password-reset-required']);
  assert.equal(
    (await awsJson(server, ['iam', 'get-login-profile', '--user-name', 'carol'])).LoginProfile.PasswordResetRequired,
    false,
  );

  const s = await signIn({ userName: 'carol', password: PASSWORD }, consoleBase);
  assert.equal(s.status, 200);
  const me = (await (await fetch(`${consoleBase}/console/api/session`, { headers: { cookie: s.cookie! } })).json()) as {
    principalArn: string;
  };
  assert.equal(me.principalArn, 'arn:aws:iam::111122223333:user/carol');
  // With no policy, every read is denied by the same authorizer as the API, and said so.
  const meshes = (await (
    await fetch(`${consoleBase}/console/api/meshes`, { headers: { cookie: s.cookie! } })
  ).json()) as { problems: { code: string; denied: boolean }[] };
  assert.deepEqual(
    meshes.problems.map((p) => [p.code, p.denied]),
    [['AccessDeniedException', true]],
  );

  await awsError(server, ['iam', 'delete-user', '--user-name', 'carol'], 'DeleteConflict');
  await awsJson(server, ['iam', 'delete-login-profile', '--user-name', 'carol']);
  await awsError(server, ['iam', 'get-login-profile', '--user-name', 'carol'], 'NoSuchEntity');
  assert.equal(
    (await fetch(`${consoleBase}/console/api/meshes`, { headers: { cookie: s.cookie! } })).status,
    401,
    'the session ended with the profile',
  );
  assert.equal((await signIn({ userName: 'carol', password: PASSWORD })).status, 401);
  await awsJson(server, ['iam', 'delete-user', '--user-name', 'carol']);
});

test('a password change ends existing sessions', async () => {
  const iam = new IAMClient({
    endpoint: server.endpoint,
    region: server.region,
    credentials: server.credentials,
    maxAttempts: 1,
  });
  await iam.send(new CreateUserCommand({ UserName: 'dave' }));
  await iam.send(new CreateLoginProfileCommand({ UserName: 'dave', Password: PASSWORD }));
  const s = await signIn({ userName: 'dave', password: PASSWORD });
  assert.equal((await fetch(`${server.endpoint}/console/api/session`, { headers: { cookie: s.cookie! } })).status, 200);
  await iam.send(new UpdateLoginProfileCommand({ UserName: 'dave', Password: `${PASSWORD}2` }));
  iam.destroy();
  assert.equal((await fetch(`${server.endpoint}/console/api/session`, { headers: { cookie: s.cookie! } })).status, 401);
  assert.equal((await signIn({ userName: 'dave', password: `${PASSWORD}2` })).status, 200);
});

test('failed sign-ins are throttled per name and address', async () => {
  for (let i = 0; i < 5; i++) assert.equal((await signIn({ userName: 'nobody', password: 'guess' })).status, 401);
  assert.equal((await signIn({ userName: 'nobody', password: 'guess' })).status, 429);
  assert.equal((await signIn({ accessKeyId: server.credentials.accessKeyId, secretAccessKey: 'wrong' })).status, 401);
  assert.equal((await signIn(root())).status, 200, 'another principal is not affected');
});

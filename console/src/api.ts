// Calls to the console API: same origin, the session cookie, and the CSRF header on writes.
export interface ApiErrorBody {
  code: string;
  message: string;
  status: number;
  denied: boolean;
}

export class ApiFailure extends Error {
  constructor(readonly error: ApiErrorBody) {
    super(error.message);
  }
}

let csrf = '';
export const setCsrf = (token: string) => {
  csrf = token;
};

const BASE = '/console/api/';

export async function get<T>(path: string): Promise<T> {
  const res = await fetch(BASE + path, { credentials: 'same-origin', headers: { accept: 'application/json' } });
  return parse<T>(res);
}

export async function send<T>(method: 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const res = await fetch(BASE + path, {
    method,
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', 'x-appmeshd-csrf': csrf },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return parse<T>(res);
}

async function parse<T>(res: Response): Promise<T> {
  const body = (await res.json()) as T & { error?: ApiErrorBody };
  if (!res.ok) {
    const error = body.error ?? {
      code: String(res.status),
      message: res.statusText,
      status: res.status,
      denied: false,
    };
    if (res.status === 401 && error.code === 'NotSignedIn') window.dispatchEvent(new CustomEvent('signed-out'));
    throw new ApiFailure(error);
  }
  return body;
}

/** An App Mesh operation through the pipeline as the signed-in identity. */
export async function call(
  operation: string,
  input: Record<string, unknown>,
): Promise<{ ok: true; output: Record<string, unknown> } | { ok: false; error: ApiErrorBody }> {
  try {
    return await send('POST', 'call', { operation, input });
  } catch (e) {
    if (e instanceof ApiFailure) return { ok: false, error: e.error };
    throw e;
  }
}

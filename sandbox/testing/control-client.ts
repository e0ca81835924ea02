/** Calls a control route with a JSON body and returns status and parsed JSON. */
export async function controlPost<T = Record<string, unknown>>(
  baseUrl: string,
  path: string,
  body: unknown = {},
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

export async function controlGet<T = Record<string, unknown>>(baseUrl: string, path: string): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`);
  return (await response.json()) as T;
}

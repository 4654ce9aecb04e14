// The Personalizer configuration calls the demo makes, as an operator's admin script would: the
// service configuration and the learning settings over the v1.0 REST API.
export interface PersonalizerAdmin {
  getService(): Promise<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  putService(body: Record<string, unknown>): Promise<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  putPolicy(name: string, args: string): Promise<{ appliedArguments: string[]; ignoredArguments: string[] }>;
}

export function personalizerAdmin(url: string, apiKey: string): PersonalizerAdmin {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}/personalizer/v1.0/${path}`, {
      method,
      headers: { 'ocp-apim-subscription-key': apiKey, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`${method} configurations: ${res.status} ${text.slice(0, 300)}`);
    return JSON.parse(text);
  };
  return {
    getService: () => call('GET', 'configurations/service'),
    putService: (body) => call('PUT', 'configurations/service', body),
    putPolicy: (name, args) => call('PUT', 'configurations/policy', { name, arguments: args }),
  };
}

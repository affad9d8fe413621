// The HTTP edge to Braze. Only the worker and the Save check call it; nothing else talks to Braze.

export interface BrazeHttpAnswer {
  status: number;
  headers: Headers;
  body: unknown; // parsed JSON when Braze sent JSON, otherwise the raw text
}

export type BrazeCallResult = { reached: true; answer: BrazeHttpAnswer } | { reached: false; error: string };

export async function postToBraze(
  endpoint: string,
  apiKey: string,
  path: "/users/track" | "/users/delete",
  payload: unknown,
  timeoutMs = 15_000,
): Promise<BrazeCallResult> {
  try {
    const response = await fetch(`${endpoint}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: "manual", // the allowlist is checked for the endpoint; never follow Braze elsewhere
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // Braze answers JSON; an HTML error page from a proxy stays as text for the log.
    }
    return { reached: true, answer: { status: response.status, headers: response.headers, body } };
  } catch (error) {
    return { reached: false, error: describeNetworkError(error) };
  }
}

function describeNetworkError(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === "TimeoutError") return "Braze did not answer in time";
    const code = (error.cause as { code?: string } | undefined)?.code;
    return code ? `network error (${code})` : `network error (${error.message})`;
  }
  return "network error";
}

export function brazeMessage(body: unknown): string | undefined {
  if (body && typeof body === "object" && "message" in body && typeof body.message === "string") return body.message;
  return undefined;
}

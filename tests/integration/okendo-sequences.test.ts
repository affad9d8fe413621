// Okendo Sequences' "Forward to HTTP Endpoint" step cannot sign, so its URL takes the token the settings screen shows.
// Through the real settings page (the merchant reads the URL, token and body there) and the real ingress.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startPipeline, type Pipeline } from "../support/pipeline.ts";
import { createShop, waitFor, type TestShop } from "../support/okendo.ts";
import { embeddedAppPath, mintSessionToken } from "../support/shopify.ts";

let p: Pipeline;
let shop: TestShop;
const browser = { "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0.0.0 Safari/537.36" };

beforeAll(async () => {
  p = await startPipeline();
  shop = await createShop(p.db, { brazeUrl: p.braze.url, identifyByCustomerId: false });
});
afterAll(() => p?.stop());

// What the merchant copies from "Set up by hand": the Sequences URL, the token, the body.
async function sequencesSetup() {
  const token = await mintSessionToken(shop.domain);
  const page = await (
    await fetch(`${p.app.url}${embeddedAppPath(shop.domain, token, "/app/settings")}&setup=manual`, {
      headers: browser,
    })
  ).text();
  const decode = (text: string) =>
    text
      .replace(/&quot;/g, '"')
      .replace(/&#x27;/g, "'")
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&amp;/g, "&");
  return {
    url: decode(/value="(http[^"]*\/webhooks\/okendo\/[^"]*\/sequences)"/.exec(page)?.[1] ?? ""),
    token: /value="(okbz_[^"]+)"/.exec(page)?.[1] ?? "",
    body: decode(/<textarea[^>]*>([^<]*Okendo Review Request[^<]*)<\/textarea>/.exec(page)?.[1] ?? ""),
  };
}

// The step fills its variables in before sending.
function filled(template: string, email: string) {
  return template
    .replace("{{email}}", email)
    .replace("{{firstName}}", "Jo")
    .replace("{{lastName}}", "Lee")
    .replace("{{orderNumber}}", "#1042")
    .replace("{{reviewUrl}}", "https://www.example.com/review?r=1")
    .replace(/\{\{#each reviewRequestProductList\}\}.*\{\{\/each\}\}/, '{"product_id": "8012345678901"}');
}

const post = (url: string, body: string, headers: Record<string, string>) =>
  fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });

it("accepts the step's request with the token and forwards Okendo Review Request once", async () => {
  const setup = await sequencesSetup();
  expect(setup.url).toBe(`https://okendo-braze.test${shop.webhookPath}/sequences`);
  expect(setup.token).toMatch(/^okbz_[A-Za-z0-9_-]{43}$/);
  const url = p.app.url + new URL(setup.url).pathname;
  const body = filled(setup.body, "jo.lee@example.com");

  const first = await post(url, body, { "x-okendo-braze-token": setup.token });
  expect(first.status).toBe(200);
  expect(await first.json()).toMatchObject({ status: "accepted" });
  const again = await post(url, body, { authorization: `Bearer ${setup.token}` });
  expect(await again.json()).toEqual({ status: "duplicate" });

  const [event] = await waitFor(() => {
    const found = p.braze.events().filter((e) => e.external_id === "jo.lee@example.com");
    return found.length > 0 && found;
  });
  expect(event).toMatchObject({
    name: "Okendo Review Request",
    properties: { order_number: "#1042", products: [{ product_id: "8012345678901" }] },
  });
  const inbound = await p.db.inboundMessage.findFirstOrThrow({ where: { shop: shop.domain, source: "sequences" } });
  expect(inbound.status).toBe("mapped");
});

it("refuses a missing or wrong token (401), stores nothing, and a rotated token replaces the old one", async () => {
  const setup = await sequencesSetup();
  const url = p.app.url + new URL(setup.url).pathname;
  const body = filled(setup.body, "nobody@example.com");
  const stored = () => p.db.inboundMessage.count({ where: { shop: shop.domain } });
  const before = await stored();
  expect((await post(url, body, {})).status).toBe(401);
  expect((await post(url, body, { "x-okendo-braze-token": `${setup.token}x` })).status).toBe(401);
  expect((await post(url, body, { authorization: "Bearer okbz_guess" })).status).toBe(401);
  expect(await stored()).toBe(before);

  const session = await mintSessionToken(shop.domain);
  const rotated = await fetch(`${p.app.url}/app/settings`, {
    method: "POST",
    headers: { ...browser, authorization: `Bearer ${session}` },
    body: new URLSearchParams({ intent: "rotate-sequences-token" }),
  });
  expect(rotated.status).toBe(200);
  const next = await sequencesSetup();
  expect(next.token).not.toBe(setup.token);
  expect((await post(url, body, { "x-okendo-braze-token": setup.token })).status).toBe(401);
  expect((await post(url, body, { "x-okendo-braze-token": next.token })).status).toBe(200);
});

// Shopify's Admin GraphQL API for the customers look-up the identity resolver makes (customers(query: "email:…")).
import { createServer, type Server } from "node:http";

export interface ShopifyAdminStandIn {
  url: string;
  customers: Map<string, { id: string; email: string }[]>; // shop → its customers
  lookups: { shop: string; query: string }[];
  failWith: number | null; // answer every request with this HTTP status
  close(): Promise<void>;
}

export async function startShopifyAdminStandIn(): Promise<ShopifyAdminStandIn> {
  const state = { customers: new Map(), lookups: [], failWith: null } as Omit<ShopifyAdminStandIn, "url" | "close">;
  const server: Server = createServer((request, response) => {
    let raw = "";
    request.on("data", (chunk) => (raw += chunk));
    request.on("end", () => {
      const shop = (request.url ?? "").split("/")[1] ?? "";
      if (state.failWith) {
        response.writeHead(state.failWith, { "content-type": "application/json" }).end('{"errors":"stand-in failure"}');
        return;
      }
      const query = String((JSON.parse(raw || "{}") as { variables?: { query?: string } }).variables?.query ?? "");
      state.lookups.push({ shop, query });
      const email = /email:"([^"]*)"/.exec(query)?.[1] ?? "";
      // Like Shopify's search, loose: an address that contains the one asked for matches too.
      const nodes = (state.customers.get(shop) ?? [])
        .filter((customer) => customer.email.includes(email))
        .map((customer) => ({ id: `gid://shopify/Customer/${customer.id}`, email: customer.email }));
      response
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ data: { customers: { nodes } } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

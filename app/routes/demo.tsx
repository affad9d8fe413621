import { redirect } from "@remix-run/node";
import { adminPageUrl, demoShop, mintDemoSessionToken } from "../demo/demo-mode.server";

// Opens the demo shop's admin pages as Shopify admin would. 404 unless `npm run demo` started the server.
export async function loader() {
  const shop = demoShop();
  if (!shop) throw new Response("Not found", { status: 404 });
  throw redirect(adminPageUrl(shop, await mintDemoSessionToken(shop)));
}

// Preloaded into the app server under test (`node --import`): sends its Shopify Admin API calls
// (https://<shop>.myshopify.com/admin/api/...) to the stand-in at SHOPIFY_ADMIN_STAND_IN instead of Shopify.
// The network edge is the only thing replaced; the app's own code runs unchanged.
const standIn = process.env.SHOPIFY_ADMIN_STAND_IN;
const realFetch = globalThis.fetch;
globalThis.fetch = (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (standIn && url.hostname.endsWith(".myshopify.com") && url.pathname.startsWith("/admin/api/")) {
    const target = `${standIn}/${url.hostname}${url.pathname}${url.search}`;
    return realFetch(input instanceof Request ? new Request(target, input) : target, init);
  }
  return realFetch(input, init);
};

// Stands in for Shopify's App Bridge script (cdn.shopify.com/shopifycloud/app-bridge.js), which only Shopify
// admin can serve. Used by the browser tests (swapped in at the network layer) and by `npm run demo` (served
// from /demo/app-bridge.js, only in demo mode). It gives the page what App Bridge would: `window.shopify` with
// idToken() and toast, and the session token on the app's own fetches, so form actions reach
// authenticate.admin. The token is the `id_token` the page was opened with, as Shopify admin provides it.
export const APP_BRIDGE_STAND_IN = `(() => {
  const token = new URLSearchParams(location.search).get("id_token") || "";
  const toasts = [];
  window.__toasts = toasts;
  window.shopify = {
    idToken: async () => token,
    toast: {
      show(message) {
        toasts.push(message);
        const el = document.createElement("div");
        el.setAttribute("role", "status");
        el.style.cssText = "position:fixed;bottom:16px;left:50%;transform:translateX(-50%);background:#303030;color:#fff;padding:8px 16px;border-radius:8px;z-index:9999;font:14px system-ui";
        el.textContent = message;
        document.body.appendChild(el);
        setTimeout(() => el.remove(), 4000);
      },
      hide() {},
    },
    loading() {},
  };
  const originalFetch = window.fetch.bind(window);
  window.fetch = (input, init = {}) => {
    const url = new URL(input instanceof Request ? input.url : String(input), location.href);
    if (url.origin !== location.origin) return originalFetch(input, init);
    const headers = new Headers(init.headers || (input instanceof Request ? input.headers : undefined));
    headers.set("Authorization", "Bearer " + token);
    return originalFetch(input, { ...init, headers });
  };
})();`;

// Stands in for Shopify's App Bridge script (cdn.shopify.com/shopifycloud/app-bridge.js), which only Shopify
// admin can serve. Used by the browser tests (swapped in at the network layer) and by `npm run demo` (served
// from /demo/app-bridge.js, only in demo mode). It gives the page what App Bridge would: `window.shopify` with
// idToken() and toast, and the session token on the app's own fetches, so form actions reach
// authenticate.admin. The token is the `id_token` the page was opened with, as Shopify admin provides it.
// It also draws the app's navigation (<ui-nav-menu>, from App Bridge's NavMenu) the way Shopify admin does, as a
// sidebar beside the app (a bar above it on narrow screens); the links stay the app's own, so a click navigates
// inside the app as it would from admin.
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
        el.setAttribute("data-app-bridge-stand-in", "toast");
        el.style.cssText = "position:fixed;bottom:16px;left:50%;transform:translateX(-50%);background:#303030;color:#fff;padding:8px 16px;border-radius:8px;z-index:9999;font:14px system-ui";
        el.textContent = message;
        document.body.appendChild(el);
        setTimeout(() => el.remove(), 4000);
      },
      hide() {},
    },
    loading() {},
  };
  const NAV_WIDTH = 240;
  const wide = "(min-width: 768px)";
  const layout = document.createElement("style");
  layout.textContent = "@media " + wide + " { body { padding-left: " + NAV_WIDTH + "px; } }";
  document.head.appendChild(layout);
  customElements.define("ui-nav-menu", class extends HTMLElement {
    connectedCallback() {
      if (this.shadowRoot) return;
      const root = this.attachShadow({ mode: "open" });
      root.innerHTML =
        "<style>" +
        ":host { display: block; background: #ebebeb; border-bottom: 1px solid #d4d4d4; font: 13px/20px -apple-system, BlinkMacSystemFont, 'San Francisco', 'Segoe UI', Roboto, sans-serif; }" +
        "nav { display: flex; flex-wrap: wrap; align-items: center; gap: 4px; padding: 8px 12px; }" +
        ".app { font-weight: 650; color: #303030; margin-right: 8px; }" +
        "::slotted(a) { display: block; padding: 4px 8px; border-radius: 8px; color: #303030; text-decoration: none; }" +
        "::slotted(a:hover) { background: #f1f1f1; }" +
        "::slotted(a[aria-current=page]) { background: #fafafa; font-weight: 650; }" +
        "::slotted(a:focus-visible) { outline: 2px solid #005bd3; outline-offset: 1px; }" +
        "@media " + wide + " {" +
        "  :host { position: fixed; top: 0; left: 0; bottom: 0; width: " + NAV_WIDTH + "px; border-bottom: none; border-right: 1px solid #d4d4d4; z-index: 100; }" +
        "  nav { flex-direction: column; align-items: stretch; padding: 12px 8px; }" +
        "  .app { padding: 4px 8px 8px; margin: 0; }" +
        "}" +
        "</style>" +
        "<nav aria-label='App'><div class='app'>Okendo \\u2192 Braze</div><slot></slot></nav>";
    }
  });
  const originalFetch = window.fetch.bind(window);
  window.fetch = (input, init = {}) => {
    const url = new URL(input instanceof Request ? input.url : String(input), location.href);
    if (url.origin !== location.origin) return originalFetch(input, init);
    const headers = new Headers(init.headers || (input instanceof Request ? input.headers : undefined));
    headers.set("Authorization", "Bearer " + token);
    return originalFetch(input, { ...init, headers });
  };
})();`;

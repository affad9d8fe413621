import type { HeadersFunction, LoaderFunctionArgs } from "@remix-run/node";
import { NavLink, Outlet, useLoaderData, useRouteError } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { NavMenu } from "@shopify/app-bridge-react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { authenticate } from "../shopify.server";
import { demoShop } from "../demo/demo-mode.server";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

export async function loader({ request }: LoaderFunctionArgs) {
  await authenticate.admin(request);
  // In demo mode App Bridge comes from the local stand-in, since only Shopify admin can serve the real one.
  return { apiKey: process.env.SHOPIFY_API_KEY || "", appBridgeUrl: demoShop() ? "/demo/app-bridge.js" : undefined };
}

export default function AppLayout() {
  const { apiKey, appBridgeUrl } = useLoaderData<typeof loader>();
  return (
    // <main> holds Polaris' portals too (popovers, modals), so everything the app draws is in a landmark.
    <main>
      <AppProvider isEmbeddedApp apiKey={apiKey} {...(appBridgeUrl ? { __APP_BRIDGE_URL: appBridgeUrl } : {})}>
        {/* Shopify admin draws these in its sidebar; NavLink marks the current page (aria-current). */}
        <NavMenu>
          <NavLink to="/app" rel="home" end>
            Home
          </NavLink>
          <NavLink to="/app/activity">Activity</NavLink>
          <NavLink to="/app/settings">Settings</NavLink>
        </NavMenu>
        <Outlet />
      </AppProvider>
    </main>
  );
}

// Shopify's boundary helpers keep the embedded-auth redirects and headers intact.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);

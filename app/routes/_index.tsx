import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";

// Shopify admin opens the app with ?shop=…; everything the merchant uses lives under /app.
export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  if (url.searchParams.get("shop")) throw redirect(`/app?${url.searchParams.toString()}`);
  return null;
}

export default function Landing() {
  return (
    <main style={{ fontFamily: "system-ui, sans-serif", maxWidth: 560, margin: "4rem auto", padding: "0 1rem" }}>
      <h1>Okendo → Braze</h1>
      <p>
        Forwards Okendo reviews, referrals, loyalty, survey and quiz events to Braze. Install it from the Shopify App
        Store or your Partner Dashboard, then open it from Shopify admin.
      </p>
    </main>
  );
}

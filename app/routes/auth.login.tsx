import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { AppProvider, Button, Card, FormLayout, Page, TextField } from "@shopify/polaris";
import polarisTranslations from "@shopify/polaris/locales/en.json";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { useState } from "react";
import { login } from "../shopify.server";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

// Reached when the app is opened outside Shopify admin: asks for the shop, then hands over to Shopify's install.
function shopError(errors: Awaited<ReturnType<typeof login>>): string | undefined {
  if (errors instanceof Response || !errors?.shop) return undefined;
  return errors.shop === "MISSING_SHOP" ? "Enter your shop domain." : "Enter a domain like your-shop.myshopify.com.";
}

export async function loader({ request }: LoaderFunctionArgs) {
  return { error: shopError(await login(request)) };
}

export async function action({ request }: ActionFunctionArgs) {
  return { error: shopError(await login(request)) };
}

export default function Login() {
  const loaded = useLoaderData<typeof loader>();
  const acted = useActionData<typeof action>();
  const [shop, setShop] = useState("");
  return (
    <AppProvider i18n={polarisTranslations}>
      <Page narrowWidth title="Okendo → Braze">
        <Card>
          <Form method="post">
            <FormLayout>
              <TextField
                label="Shop domain"
                name="shop"
                value={shop}
                onChange={setShop}
                autoComplete="on"
                helpText="example.myshopify.com"
                error={(acted ?? loaded).error}
              />
              <Button submit variant="primary">
                Log in
              </Button>
            </FormLayout>
          </Form>
        </Card>
      </Page>
    </AppProvider>
  );
}

import { useFetcher } from "@remix-run/react";
import { BlockStack, Card, Checkbox, Text } from "@shopify/polaris";

export function AdvancedSettingsCard({ identifyByCustomerId }: { identifyByCustomerId: boolean }) {
  const fetcher = useFetcher();
  // Show the merchant's choice at once; the loader's value takes over when the save completes.
  const pending = fetcher.formData?.get("identifyByCustomerId");
  const checked = pending === undefined || pending === null ? identifyByCustomerId : pending === "true";

  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Advanced settings
        </Text>
        <Checkbox
          label="Use Shopify Customer ID for Braze user identification"
          checked={checked}
          disabled={fetcher.state !== "idle"}
          onChange={(value) =>
            fetcher.submit({ intent: "identity", identifyByCustomerId: String(value) }, { method: "post" })
          }
          helpText={
            checked
              ? "Braze external_id is the Shopify customer ID; customers without a Shopify account are identified by email only."
              : "Braze external_id is the customer's email address, so a customer who changes email becomes a new Braze user."
          }
        />
      </BlockStack>
    </Card>
  );
}

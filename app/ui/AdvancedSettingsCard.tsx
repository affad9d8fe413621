import { useEffect, useState } from "react";
import { useFetcher } from "@remix-run/react";
import { BlockStack, Card, Checkbox, Text } from "@shopify/polaris";

export function AdvancedSettingsCard({ identifyByCustomerId }: { identifyByCustomerId: boolean }) {
  const fetcher = useFetcher();
  // Show the merchant's choice at once, in the same render as the click: fetcher.formData can arrive a tick later
  // (Remix may first fetch the route manifest), and React would flip the box back meanwhile. The stored value
  // takes over again when the save and the reload that follows are done.
  const [checked, setChecked] = useState(identifyByCustomerId);
  useEffect(() => {
    // eslint-disable-next-line react-hooks/set-state-in-effect -- the re-sync described above: one render per save
    if (fetcher.state === "idle") setChecked(identifyByCustomerId);
  }, [identifyByCustomerId, fetcher.state]);

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
          onChange={(value) => {
            setChecked(value);
            fetcher.submit({ intent: "identity", identifyByCustomerId: String(value) }, { method: "post" });
          }}
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

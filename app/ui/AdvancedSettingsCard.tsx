import { BlockStack, Card, Text } from "@shopify/polaris";
import { Switch } from "./Switch";
import { useSavedSwitch } from "./useSavedSwitch";

export function AdvancedSettingsCard({ identifyByCustomerId }: { identifyByCustomerId: boolean }) {
  const identity = useSavedSwitch({
    key: "identity",
    stored: identifyByCustomerId,
    form: (on) => ({ intent: "identity", identifyByCustomerId: String(on) }),
    saved: (on) => (on ? "Customers identified by Shopify Customer ID" : "Customers identified by email"),
  });

  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Advanced settings
        </Text>
        <Switch
          label="Use Shopify Customer ID for Braze user identification"
          checked={identity.checked}
          disabled={identity.saving}
          onChange={identity.change}
          error={identity.error}
          helpText={
            identity.checked
              ? "Braze external_id is the Shopify customer ID; customers without a Shopify account are identified by email only."
              : "Braze external_id is the customer's email address, so a customer who changes email becomes a new Braze user."
          }
        />
      </BlockStack>
    </Card>
  );
}

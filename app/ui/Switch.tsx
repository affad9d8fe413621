import type { ReactNode } from "react";
import { useId } from "react";
import { BlockStack, InlineError, InlineStack, Text } from "@shopify/polaris";
import styles from "./Switch.module.css";

// An on/off switch that looks and acts like one (role="switch", Space toggles it), with its label beside it.
// Polaris React has no switch; this one is drawn with Polaris' tokens. A failed save shows under it.
export function Switch({
  label,
  labelHidden = false,
  checked,
  onChange,
  disabled = false,
  helpText,
  describedBy: describedElsewhere,
  error,
}: {
  label: string;
  labelHidden?: boolean;
  checked: boolean;
  onChange: (checked: boolean) => void;
  disabled?: boolean;
  helpText?: ReactNode;
  describedBy?: string; // the id of a description shown elsewhere (a table row's cells)
  error?: string;
}) {
  const id = useId();
  const describedBy = [describedElsewhere, helpText ? `${id}-help` : "", error ? `${id}Error` : ""]
    .filter(Boolean)
    .join(" ");
  return (
    <BlockStack gap="100">
      <InlineStack gap="300" blockAlign="center" wrap={false}>
        <button
          type="button"
          role="switch"
          id={id}
          className={styles.Switch}
          aria-checked={checked}
          aria-label={labelHidden ? label : undefined}
          aria-labelledby={labelHidden ? undefined : `${id}-label`}
          aria-describedby={describedBy || undefined}
          disabled={disabled}
          onClick={() => onChange(!checked)}
        >
          <span className={styles.Thumb} />
        </button>
        {!labelHidden && (
          <label htmlFor={id} id={`${id}-label`} className={styles.Label}>
            <Text as="span">{label}</Text>
          </label>
        )}
      </InlineStack>
      {helpText && (
        <div id={`${id}-help`} className={labelHidden ? undefined : styles.Help}>
          <Text as="span" variant="bodySm" tone="subdued">
            {helpText}
          </Text>
        </div>
      )}
      {error && (
        <div className={labelHidden ? undefined : styles.Help}>
          <InlineError fieldID={id} message={error} />
        </div>
      )}
    </BlockStack>
  );
}

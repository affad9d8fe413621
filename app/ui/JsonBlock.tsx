// Pretty JSON in a scrollable, keyboard-reachable box (a scrollable region must be focusable to be read).
export function JsonBlock({ label, json }: { label: string; json: string }) {
  return (
    <div
      role="region"
      aria-label={label}
      tabIndex={0}
      style={{
        overflow: "auto",
        maxHeight: "32rem",
        background: "var(--p-color-bg-surface-secondary)",
        border: "var(--p-border-width-025) solid var(--p-color-border-secondary)",
        borderRadius: "var(--p-border-radius-200)",
        padding: "var(--p-space-300)",
      }}
    >
      <pre
        style={{
          margin: 0,
          fontFamily: "var(--p-font-family-mono)",
          fontSize: "var(--p-font-size-300)",
          lineHeight: "var(--p-font-line-height-400)",
          color: "var(--p-color-text)",
          whiteSpace: "pre",
        }}
      >
        {json}
      </pre>
    </div>
  );
}

import type { ReactElement, ReactNode } from "react";
import { useState } from "react";
import { Button, Modal, Text, type ButtonProps } from "@shopify/polaris";

// Asks before an action that cannot be taken back (Disconnect, Rotate, Retry all): the dialog names what happens,
// and nothing is sent until the merchant confirms.
export function ConfirmationModal({
  open,
  onClose,
  title,
  children,
  confirm,
  destructive = false,
  onConfirm,
  activator,
}: {
  open: boolean;
  onClose: () => void;
  title: string;
  children: ReactNode;
  confirm: string;
  destructive?: boolean;
  onConfirm: () => void;
  activator?: ReactElement;
}) {
  return (
    <Modal
      open={open}
      onClose={onClose}
      title={title}
      activator={activator}
      primaryAction={{
        content: confirm,
        destructive,
        onAction: () => {
          onClose();
          onConfirm();
        },
      }}
      secondaryActions={[{ content: "Cancel", onAction: onClose }]}
    >
      <Modal.Section>
        <Text as="p">{children}</Text>
      </Modal.Section>
    </Modal>
  );
}

// A button that opens the confirmation first.
export function ConfirmButton({
  children,
  button = {},
  ...modal
}: Omit<Parameters<typeof ConfirmationModal>[0], "open" | "onClose" | "activator"> & {
  button?: Omit<ButtonProps, "onClick" | "children">;
}) {
  const [open, setOpen] = useState(false);
  return (
    <ConfirmationModal
      {...modal}
      open={open}
      onClose={() => setOpen(false)}
      activator={
        <Button {...button} onClick={() => setOpen(true)}>
          {modal.confirm}
        </Button>
      }
    >
      {children}
    </ConfirmationModal>
  );
}

// The status lists the hot-path SQL reads by, as SQL literals, derived from the state machine's own lists so the
// dialect modules never spell a status themselves.
import { DeliveryStatus, SENDABLE_STATUSES } from "../outbox/delivery-status";

const literal = (values: readonly string[]) => values.map((value) => `'${value.replace(/'/g, "''")}'`).join(", ");

// Braze objects the worker may send when due.
export const SENDABLE_SQL = literal(SENDABLE_STATUSES);
// Everything a worker's turn can make progress on: objects to send and messages waiting for their identity.
export const WORKABLE_SQL = literal([...SENDABLE_STATUSES, DeliveryStatus.waitingIdentity]);

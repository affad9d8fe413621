// A transaction written once for both dialects. SQLite's driver is synchronous and a write transaction there must
// never wait on the event loop (another connection of this process could then wait on it in turn), while pg is
// asynchronous. So a transaction body is a generator: it yields the statements it wants run and receives their
// results, and each dialect drives it its own way — synchronously inside BEGIN IMMEDIATE on SQLite, awaiting each
// statement on one pooled connection on Postgres.
//
//   function* accept(row: NewInbound): Work<string | null> {
//     const id = yield* sql("insertInbound", row);   // typed: string | null
//     ...
//   }
import type { TxStatements } from "./statements";

export type TxStatementName = keyof TxStatements;

export interface StatementCall {
  name: TxStatementName;
  args: unknown[];
}

export type Work<T> = Generator<StatementCall, T, unknown>;

// Runs one statement inside the enclosing unit of work; `yield*` it to get its typed result.
export function* sql<K extends TxStatementName>(
  name: K,
  ...args: Parameters<TxStatements[K]>
): Work<ReturnType<TxStatements[K]>> {
  return (yield { name, args }) as ReturnType<TxStatements[K]>;
}

// Drives a unit of work whose statements answer synchronously (SQLite).
export function runSync<T>(work: Work<T>, statements: TxStatements): T {
  let step = work.next();
  while (!step.done) {
    const { name, args } = step.value;
    const run = statements[name] as (...args: unknown[]) => unknown;
    step = work.next(run.apply(statements, args));
  }
  return step.value;
}

export type AsyncTxStatements = {
  [K in TxStatementName]: (...args: Parameters<TxStatements[K]>) => Promise<ReturnType<TxStatements[K]>>;
};

// Drives a unit of work whose statements answer asynchronously (Postgres).
export async function runAsync<T>(work: Work<T>, statements: AsyncTxStatements): Promise<T> {
  let step = work.next();
  while (!step.done) {
    const { name, args } = step.value;
    const run = statements[name] as (...args: unknown[]) => Promise<unknown>;
    step = work.next(await run.apply(statements, args));
  }
  return step.value;
}

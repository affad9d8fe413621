// The two things the admin pages' raw SQL says differently on SQLite and Postgres: a moment as a parameter, and the
// UTC day a stored moment falls on. Prisma stores DateTime on SQLite as ISO text ("2026-12-03T07:30:02.245+00:00",
// which orders as text) and on Postgres as timestamp(3) without time zone, in UTC. Statements are built whole with
// Prisma.sql and handed to $queryRaw as one object: the Postgres client is generated separately, and fragments from
// this module's Prisma would be taken for values inside its own tagged template.
import { Prisma } from "@prisma/client";
import { dialect } from "../db.server";

export function sqlMoment(at: Date): Prisma.Sql {
  const iso = at.toISOString();
  return dialect === "postgres"
    ? Prisma.sql`CAST(${iso.slice(0, 23)} AS timestamp(3))`
    : Prisma.sql`${iso.replace("Z", "+00:00")}`;
}

// The column's UTC day as YYYY-MM-DD text.
export function sqlUtcDay(column: Prisma.Sql): Prisma.Sql {
  return dialect === "postgres" ? Prisma.sql`to_char(${column}, 'YYYY-MM-DD')` : Prisma.sql`substr(${column}, 1, 10)`;
}

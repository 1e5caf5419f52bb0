import { QueryFailedError } from 'typeorm';

/** Whether a write failed on a unique index (PostgreSQL unique_violation or SQLite's UNIQUE constraint). */
export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: string; message?: string } | undefined;
  return (
    driverError?.code === '23505' || /UNIQUE constraint failed/i.test(driverError?.message ?? error.message)
  );
}

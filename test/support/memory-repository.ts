import type { Repository } from 'typeorm';

type Where<T> = Partial<Record<keyof T, unknown>>;

const matches = <T>(row: T, where: Where<T>) =>
  Object.entries(where).every(([key, value]) => (row as Record<string, unknown>)[key] === value);

/**
 * The few Repository methods the services' credential paths use, over an array, for unit tests
 * that need rows to really come and go (a deleted key, a promoted token).
 */
export function memoryRepository<T extends { sid: string }>(rows: T[] = []): Repository<T> & { rows: T[] } {
  return {
    rows,
    create: (fields: Partial<T>) => ({ ...fields }) as T,
    findOneBy: async (where: Where<T>) => rows.find((row) => matches(row, where)) ?? null,
    existsBy: async (where: Where<T>) => rows.some((row) => matches(row, where)),
    save: async (row: T) => {
      const index = rows.findIndex((existing) => existing.sid === row.sid);
      if (index === -1) rows.push({ dateCreated: new Date(), dateUpdated: new Date(), ...row });
      else rows[index] = { ...rows[index], ...row };
      return rows.find((existing) => existing.sid === row.sid)!;
    },
    delete: async (where: Where<T>) => {
      for (let i = rows.length - 1; i >= 0; i--) if (matches(rows[i], where)) rows.splice(i, 1);
      return { raw: [], affected: 1 };
    },
  } as unknown as Repository<T> & { rows: T[] };
}

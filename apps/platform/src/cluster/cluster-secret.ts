import { randomBytes } from 'node:crypto';
import type { EntityManager } from 'typeorm';

/**
 * The named secret every node on the database shares: written once by whichever node asks first (a
 * random 256-bit value), read by all. Only what can reach the database can learn it.
 */
export async function clusterSecret(manager: EntityManager, name: string): Promise<string> {
  await manager.query(
    'INSERT INTO cluster_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING',
    [name, randomBytes(32).toString('hex')],
  );
  const rows: Array<{ value: string }> = await manager.query(
    'SELECT value FROM cluster_secrets WHERE name = $1',
    [name],
  );
  if (!rows[0]) throw new Error(`cluster secret ${name} could not be read`);
  return rows[0].value;
}

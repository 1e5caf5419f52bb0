/** SQLite and PostgreSQL name their timestamp types differently; entities and migrations share this choice. */
export const TIMESTAMP_TYPE = process.env.DATABASE_TYPE === 'postgres' ? 'timestamptz' : 'datetime';

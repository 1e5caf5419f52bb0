// The postgres test projects: the platform (and column-types.ts, read when entities load) on PostgreSQL.
process.env.DATABASE_TYPE = 'postgres';

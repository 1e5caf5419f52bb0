import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source-options';

/** The data source the TypeORM CLI uses (`npm run migration:run`); the app builds the same options. */
const config = loadConfig();
if (config.databaseType === 'sqlite') mkdirSync(dirname(config.databasePath), { recursive: true });
export default new DataSource(dataSourceOptions(config));

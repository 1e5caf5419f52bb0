import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { createPrivateDatabaseFile } from '../common/private-storage';
import { loadConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source-options';

/** The data source the TypeORM CLI uses (`npm run migration:run`); the app builds the same options. */
const config = loadConfig();
if (config.databaseType === 'sqlite') createPrivateDatabaseFile(config.databasePath);
export default new DataSource(dataSourceOptions(config));

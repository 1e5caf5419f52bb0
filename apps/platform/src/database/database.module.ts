import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source-options';

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        if (config.databaseType === 'sqlite') mkdirSync(dirname(config.databasePath), { recursive: true });
        // Pending migrations are applied at start, so a fresh clone needs no separate step.
        return { ...dataSourceOptions(config), migrationsRun: true };
      },
    }),
  ],
})
export class DatabaseModule {}

import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { createPrivateDatabaseFile } from '../common/private-storage';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source-options';

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        if (config.databaseType === 'sqlite') createPrivateDatabaseFile(config.databasePath);
        // Pending migrations are applied at start, so a fresh clone needs no separate step.
        return { ...dataSourceOptions(config), migrationsRun: true };
      },
    }),
  ],
})
export class DatabaseModule {}

import type { DataSourceOptions } from 'typeorm';
import { AccessTokenEntity } from '../accounts/access-token.entity';
import { AccountEntity } from '../accounts/account.entity';
import { ApiKeyEntity } from '../accounts/api-key.entity';
import { CallEntity } from '../call-control/legs/call.entity';
import { ClientEntity } from '../clients/client.entity';
import { IncomingNumberEntity } from '../incoming-numbers/incoming-number.entity';
import { ApplicationEntity } from '../applications/application.entity';
import { NotificationEntity } from '../notifications/notification.entity';
import { QueueEntity } from '../queues/queue.entity';
import { CallEventEntity } from '../console/call-event.entity';
import { ConsoleSessionEntity } from '../console/console-session.entity';
import { RecordingEntity } from '../recordings/recording.entity';
import type { AppConfig } from '../config/app-config';
import { ExtensionEntity } from '../extensions/extension.entity';
import { SubscriptionEntity } from '../sessions/ringcentral/subscriptions/subscription.entity';
import { MIGRATIONS } from '../../../../migrations';
import { nonVerboseSqlite3 } from './sqlite-driver';

export const ENTITIES = [
  AccountEntity,
  AccessTokenEntity,
  ApiKeyEntity,
  CallEntity,
  NotificationEntity,
  IncomingNumberEntity,
  ApplicationEntity,
  RecordingEntity,
  ClientEntity,
  ExtensionEntity,
  SubscriptionEntity,
  QueueEntity,
  ConsoleSessionEntity,
  CallEventEntity,
];

export function dataSourceOptions(
  config: Pick<AppConfig, 'databaseType' | 'databasePath' | 'databaseUrl'>,
): DataSourceOptions {
  const common = {
    entities: ENTITIES,
    migrations: MIGRATIONS,
    synchronize: false,
    migrationsRun: false,
  } as const;
  if (config.databaseType === 'postgres') {
    return { type: 'postgres', url: config.databaseUrl, ...common };
  }
  // WAL, synchronous=NORMAL and no verbose() wrapper: see sqlite-driver.ts.
  return { type: 'sqlite', database: config.databasePath, driver: nonVerboseSqlite3, ...common };
}

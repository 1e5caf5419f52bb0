import { Global, Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { MetricsServer } from './metrics-server';
import { PlatformMetrics } from './platform-metrics';

/** Global: the webhook client and the call listener record into the one registry. */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [PlatformMetrics, MetricsServer],
  exports: [PlatformMetrics],
})
export class MetricsModule {}

import { Controller, Get, NotFoundException, Res } from '@nestjs/common';
import type { Response } from 'express';
import { AppConfig } from '../config/app-config';
import { PlatformMetrics } from './platform-metrics';

/** Prometheus scrapes `/metrics` here, unless METRICS_PORT puts it on a port of its own. */
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: PlatformMetrics,
    private readonly config: AppConfig,
  ) {}

  @Get()
  async scrape(@Res() res: Response): Promise<void> {
    if (this.config.metricsPort !== undefined) throw new NotFoundException();
    const text = await this.metrics.text();
    res.setHeader('Content-Type', this.metrics.contentType);
    res.send(text);
  }
}

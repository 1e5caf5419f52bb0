import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { HealthService } from './health.service';

@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** Database and ARI together (the original probe, kept for existing monitors). */
  @Get()
  async check(@Res() res: Response): Promise<void> {
    const { database, ari } = await this.health.readiness();
    const healthy = database === 'up' && ari === 'up';
    res.status(healthy ? 200 : 503).json({ status: healthy ? 'ok' : 'degraded', database, ari });
  }

  /** The process answers: a liveness probe restarts it only when this fails. */
  @Get('live')
  live(): { status: 'ok'; uptimeSeconds: number } {
    return { status: 'ok', uptimeSeconds: this.health.uptimeSeconds() };
  }

  /** Whether requests can be served now: a readiness probe takes the node out of rotation on 503. */
  @Get('ready')
  async ready(@Res() res: Response): Promise<void> {
    const { ready, ...checks } = await this.health.readiness();
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not-ready', ...checks });
  }
}

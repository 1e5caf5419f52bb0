import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { TelephonyGateway } from '../telephony/telephony-gateway.port';

@Controller('health')
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly gateway: TelephonyGateway,
  ) {}

  @Get()
  async check(@Res() res: Response): Promise<void> {
    const database = await this.dataSource.query('SELECT 1').then(
      () => 'up',
      () => 'down',
    );
    const ari = this.gateway.isConnected() ? 'up' : 'down';
    const healthy = database === 'up' && ari === 'up';
    res.status(healthy ? 200 : 503).json({ status: healthy ? 'ok' : 'degraded', database, ari });
  }
}

import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { AccountEntity } from './account.entity';

export const CurrentAccount = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AccountEntity =>
    context.switchToHttp().getRequest<Request>().account!,
);

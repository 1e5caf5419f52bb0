import { randomBytes } from 'node:crypto';

export type SidPrefix = 'AC' | 'CA' | 'NO' | 'RE' | 'PN' | 'CL' | 'CF' | 'SK' | 'EX' | 'QU' | 'TR' | 'AP';

export const sidPattern = (prefix: SidPrefix) => new RegExp(`^${prefix}[0-9a-f]{32}$`);

export function newSid(prefix: SidPrefix): string {
  return prefix + randomBytes(16).toString('hex');
}

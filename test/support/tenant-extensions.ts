import { DataSource } from 'typeorm';
import { AccountsService } from '../../apps/platform/src/accounts/accounts.service';
import { accountSipDomain } from '../../apps/platform/src/accounts/sip-domain';
import { ExtensionEntity } from '../../apps/platform/src/extensions/extension.entity';
import { extensionEndpointId } from '../../apps/platform/src/extensions/extensions.service';
import { SipUserDirectory } from '../../apps/platform/src/telephony/sip-user-directory.port';
import type { RunningPlatform } from './platform';

/** Creates an extension of `accountSid` through the API; resolves with its SIP domain. */
export async function createExtension(
  platform: RunningPlatform,
  tenant: { sid: string; token: string },
  fields: { ExtensionNumber: string; Password: string; DisplayName?: string; Pin?: string; CallControllerAgent?: string },
): Promise<string> {
  const created = await platform
    .http()
    .post(`/restcomm/2012-04-24/Accounts/${tenant.sid}/Extensions.json`)
    .auth(tenant.sid, tenant.token)
    .type('form')
    .send(fields)
    .expect(201);
  return created.body.sip_domain as string;
}

/** Asterisk outlives the test database: takes every extension this platform provisioned off it. */
export async function unprovisionExtensions(platform: RunningPlatform): Promise<void> {
  const directory = platform.app.get(SipUserDirectory);
  const accounts = platform.app.get(AccountsService);
  for (const extension of await platform.app.get(DataSource).getRepository(ExtensionEntity).find()) {
    const account = await accounts.findBySid(extension.accountSid);
    if (account)
      await directory.remove(extensionEndpointId(extension.extensionNumber, accountSipDomain(account)));
  }
}

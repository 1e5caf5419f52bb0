import { Injectable } from '@nestjs/common';
import type { AccountEntity } from '../../accounts/account.entity';
import { ExtensionsService, TenantExtension } from '../../extensions/extensions.service';
import type { DialTarget } from '../../telephony/telephony-gateway.port';
import { RingcentralParameterError } from './ringcentral-exception.filter';

/** An extension's phones to ring: all of them, or the one a device reference named. */
export interface ExtensionPhones {
  extension: TenantExtension;
  targets: DialTarget[];
  /** Every registered contact, in the order of the Extensions resource's `registrations`. */
  contacts: string[];
  /** The contact named, when one was. */
  contact?: string;
}

const POSITION = /^[1-9][0-9]{0,2}$/;

/**
 * RingCentral names devices (a flip target, the phone that picks up or supervises); here a device is
 * one registered phone of an extension: its 1-based position in the extension's `registrations`
 * list, or its contact URI as that list shows it.
 */
@Injectable()
export class TelephonyDevices {
  constructor(private readonly extensions: ExtensionsService) {}

  async phones(
    account: AccountEntity,
    extensionNumber: string,
    field: string,
    device?: string,
    deviceField = field,
  ): Promise<ExtensionPhones> {
    const extension = await this.extensions.findInTenant(account, extensionNumber);
    if (!extension) throw new RingcentralParameterError(field, `Extension ${extensionNumber} is not found`);
    const registrations = await this.extensions.registrations(extension.endpointId);
    const contacts = (registrations ?? []).map((registration) => registration.contact);
    if (contacts.length === 0)
      throw new RingcentralParameterError(field, `Extension ${extensionNumber} has no registered phone`);
    const all = this.extensions.phoneTargets(extension.endpointId, contacts);
    if (device === undefined) return { extension, targets: all, contacts };
    const index = POSITION.test(device) ? Number(device) - 1 : contacts.indexOf(device);
    if (index < 0 || index >= contacts.length)
      throw new RingcentralParameterError(
        deviceField,
        `${deviceField} ${device} names no registered phone of extension ${extensionNumber} ` +
          `(it has ${contacts.length}: give a position from 1 or a contact URI)`,
      );
    // One contact: the endpoint's own dial string reaches it.
    return { extension, targets: [all[contacts.length > 1 ? index : 0]], contacts, contact: contacts[index] };
  }
}

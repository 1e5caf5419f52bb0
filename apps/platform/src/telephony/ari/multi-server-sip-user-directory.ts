import { SipRegistration, SipUser, SipUserDirectory } from '../sip-user-directory.port';

/**
 * SIP users on several Asterisk servers: each user is provisioned on every server (a phone may register
 * with any of them); registrations are the union of what each server's registrar holds.
 */
export class MultiServerSipUserDirectory extends SipUserDirectory {
  constructor(private readonly directories: SipUserDirectory[]) {
    super();
  }

  /** Done on every server; the first failure is reported once the others have been tried. */
  private async onEach(action: (directory: SipUserDirectory) => Promise<void>): Promise<void> {
    const results = await Promise.allSettled(this.directories.map(action));
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
  }

  upsert(user: SipUser): Promise<void> {
    return this.onEach((directory) => directory.upsert(user));
  }

  remove(id: string): Promise<void> {
    return this.onEach((directory) => directory.remove(id));
  }

  /** Free only where every server agrees: an id taken by a trunk on one server is taken. */
  async isAvailable(id: string): Promise<boolean> {
    const answers = await Promise.all(this.directories.map((directory) => directory.isAvailable(id)));
    return answers.every(Boolean);
  }

  async contacts(id: string): Promise<string[]> {
    const lists = await Promise.all(this.directories.map((directory) => directory.contacts(id)));
    return [...new Set(lists.flat())];
  }

  async registrations(id: string): Promise<SipRegistration[]> {
    const lists = await Promise.all(this.directories.map((directory) => directory.registrations(id)));
    return lists.flat();
  }

  dialString(id: string): string {
    return this.directories[0].dialString(id);
  }

  contactDialString(id: string, contact: string): string {
    return this.directories[0].contactDialString(id, contact);
  }
}

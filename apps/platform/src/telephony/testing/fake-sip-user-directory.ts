import { SipRegistration, SipUser, SipUserDirectory } from '../sip-user-directory.port';

/** Medium tests: SIP users kept in memory; a test "registers" a phone by giving the user a contact. */
export class FakeSipUserDirectory extends SipUserDirectory {
  readonly users = new Map<string, SipUser>();
  private readonly registered = new Map<string, string[]>();

  async upsert(user: SipUser): Promise<void> {
    this.users.set(user.id, user);
  }
  async remove(id: string): Promise<void> {
    this.users.delete(id);
    this.registered.delete(id);
  }
  async isAvailable(): Promise<boolean> {
    return true;
  }
  async contacts(id: string): Promise<string[]> {
    return this.users.has(id) ? (this.registered.get(id) ?? []) : [];
  }
  async registrations(id: string): Promise<SipRegistration[]> {
    return (await this.contacts(id)).map((contact) => ({
      contact,
      userAgent: null,
      expiresAt: null,
      viaAddress: null,
      viaPort: null,
    }));
  }
  dialString(id: string): string {
    return `PJSIP/${id}`;
  }
  contactDialString(id: string, contact: string): string {
    return `PJSIP/${id}/${contact}`;
  }

  register(id: string, contact: string): void {
    this.registered.set(id, [...(this.registered.get(id) ?? []), contact]);
  }
}

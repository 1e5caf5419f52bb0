/** Finds the SIP users (Clients) of an account that a `<Client>` noun can dial. */
export abstract class ClientDirectory {
  abstract findDialable(
    accountSid: string,
    login: string,
  ): Promise<{ dialString: string; registered: boolean } | null>;
}

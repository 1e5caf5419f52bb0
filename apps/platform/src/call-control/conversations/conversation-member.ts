/**
 * What a conversation needs of a leg to make it a party (CallLeg satisfies it). `ended` aborts when the
 * leg is over, and must abort before the leg publishes its final status, so that the party's last events
 * (party.left) still belong to the call's numbered stream.
 */
export interface ConversationMember {
  readonly callSid: string;
  readonly accountSid: string;
  readonly channelId: string;
  readonly ended: AbortSignal;
}

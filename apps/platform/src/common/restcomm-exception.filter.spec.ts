import { DomainError, DomainErrorCode } from './domain-error';
import { toErrorBody } from './restcomm-exception.filter';

describe('toErrorBody', () => {
  it.each([
    [DomainErrorCode.ConversationNotFound, 404],
    [DomainErrorCode.PartyNotFound, 404],
    [DomainErrorCode.TransferNotFound, 404],
    [DomainErrorCode.InvalidPartyState, 409],
    [DomainErrorCode.InvalidTransferState, 409],
    [DomainErrorCode.InvalidParameter, 400],
  ])('answers DomainError %i with HTTP %i', (code, status) => {
    expect(toErrorBody(new DomainError(code, 'refused'))).toMatchObject({ code, status, message: 'refused' });
  });
});

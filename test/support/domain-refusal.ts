import { DomainError } from '../../apps/platform/src/common/domain-error';

/** The DomainError a promise rejects with; anything else (or success) fails the test. */
export async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!(error instanceof DomainError)) throw new Error(`expected a DomainError, got ${error}`);
  return error;
}

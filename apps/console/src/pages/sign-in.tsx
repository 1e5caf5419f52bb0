import { useState } from 'preact/hooks';
import { ApiError, Session, session } from '../api';

/** Account SID + AuthToken, or an API key (SK… + secret) of an account. */
export function SignIn({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [mode, setMode] = useState<'token' | 'key'>('token');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const value = (name: string) => String(data.get(name) ?? '').trim();
    setBusy(true);
    setError('');
    try {
      const next = await session.signIn(
        mode === 'token'
          ? { accountSid: value('accountSid'), authToken: value('secret') }
          : { apiKeySid: value('keySid'), apiKeySecret: value('secret') },
      );
      // The secret leaves the page once it has served: nothing keeps it.
      form.reset();
      onSignedIn(next);
    } catch (caught) {
      setError(caught instanceof ApiError && caught.status === 401 ? 'Those credentials were refused.' : String((caught as Error).message));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="content" class="sign-in">
      <h1 tabIndex={-1}>Sign in to Callwright</h1>
      <form onSubmit={submit} aria-describedby={error ? 'sign-in-error' : undefined}>
        <fieldset>
          <legend>Credential</legend>
          <label class="inline">
            <input type="radio" name="mode" checked={mode === 'token'} onChange={() => setMode('token')} /> Account auth token
          </label>
          <label class="inline">
            <input type="radio" name="mode" checked={mode === 'key'} onChange={() => setMode('key')} /> API key of the account
          </label>
        </fieldset>
        {mode === 'token' ? (
          <label>
            Account SID
            <input name="accountSid" required pattern="AC[0-9a-fA-F]{32}" autoComplete="username" spellcheck={false} />
          </label>
        ) : (
          <label>
            API key SID
            <input name="keySid" required pattern="SK[0-9a-fA-F]{32}" autoComplete="username" spellcheck={false} />
          </label>
        )}
        <label>
          {mode === 'token' ? 'Auth token' : 'API key secret'}
          <input name="secret" type="password" required autoComplete="current-password" />
        </label>
        {error && (
          <p id="sign-in-error" class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}

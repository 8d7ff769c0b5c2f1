import { useState, type FormEvent } from 'react';
import { useI18n } from '../common/i18n.js';
import { navigate } from '../common/router.js';
import { useStore } from '../common/store.js';
import { signIn, signOut, userStore } from './gu.js';

/**
 * Sign-in of the demo: a phone number or customer id is the user id. The tracker then sends both ids, and the
 * server merges the anonymous session into the user, so what was browsed before counts.
 */
export function SignInPage() {
  const { t } = useI18n();
  const user = useStore(userStore);
  const [id, setId] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const userId = id.trim().replace(/\s+/g, '');
    if (!userId) return;
    signIn(userId);
    navigate('/');
  };
  return (
    <div className="narrow panel">
      <h1 className="page-title">{t('signin.title')}</h1>
      {user ? (
        <>
          <p>{t('signin.as', { id: user })}</p>
          <button type="button" className="button button-ghost" onClick={signOut}>
            {t('shop.signOut')}
          </button>
        </>
      ) : (
        <form onSubmit={submit}>
          <label className="field">
            <span>{t('signin.label')}</span>
            <input
              name="userId"
              value={id}
              onChange={(e) => setId(e.target.value)}
              autoComplete="username"
              inputMode="text"
              maxLength={64}
              required
            />
          </label>
          <p className="hint">{t('signin.hint')}</p>
          <button type="submit" className="button button-wide">
            {t('signin.submit')}
          </button>
        </form>
      )}
    </div>
  );
}

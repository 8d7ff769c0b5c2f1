import { useState, type FormEvent } from 'react';
import type { GuClient } from '@gu/sdk';
import { localeStore, useI18n } from '../common/i18n.js';
import { useStore } from '../common/store.js';
import { ExperimentsPanel } from './experiments.js';
import { KpiPanel } from './kpis.js';
import { ModelsPanel } from './models.js';
import { PanelBoundary } from './panel-boundary.js';
import { QualityPanel } from './quality.js';
import { clientStore, signIn, signOut } from './session.js';

export function AdminApp() {
  const client = useStore(clientStore);
  return client ? <Dashboard client={client} /> : <KeyGate />;
}

function KeyGate() {
  const { t } = useI18n();
  const [key, setKey] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      if (!(await signIn(key.trim()))) setError(t('admin.keyWrong'));
    } catch (e) {
      setError(t('admin.error', { message: e instanceof Error ? e.message : String(e) }));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="gate">
      <form className="panel gate-form" onSubmit={submit}>
        <div className="brand">
          <span className="brand-mark">Gu</span> {t('admin.title')}
        </div>
        <h1>{t('admin.keyTitle')}</h1>
        <label className="field">
          <span>{t('admin.keyLabel')}</span>
          <input
            name="secretKey"
            type="password"
            value={key}
            onChange={(e) => setKey(e.target.value)}
            autoComplete="current-password"
            required
          />
        </label>
        <p className="hint">{t('admin.keyHint')}</p>
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="button button-wide" disabled={busy || !key.trim()}>
          {t('admin.enter')}
        </button>
      </form>
    </main>
  );
}

function Dashboard({ client }: { client: GuClient }) {
  const { t, locale } = useI18n();
  // Bumped after a training or a promotion, so that the panels that show models reload.
  const [modelsVersion, setModelsVersion] = useState(0);
  return (
    <>
      <header className="bar">
        <div className="brand">
          <span className="brand-mark">Gu</span> <span className="brand-text">{t('admin.title')}</span>
        </div>
        <nav className="bar-actions">
          <a href="/" className="bar-link">
            {t('admin.shop')}
          </a>
          <button
            type="button"
            className="bar-button"
            onClick={() => localeStore.set(locale === 'vi' ? 'en' : 'vi')}
          >
            {locale === 'vi' ? 'EN' : 'VI'}
          </button>
          <button type="button" className="bar-button" onClick={signOut}>
            {t('admin.signOut')}
          </button>
        </nav>
      </header>
      <main className="dash">
        {[
          <KpiPanel key="kpis" client={client} />,
          <ExperimentsPanel key="experiments" client={client} />,
          <ModelsPanel
            key="models"
            client={client}
            version={modelsVersion}
            onChange={() => setModelsVersion((v) => v + 1)}
          />,
          <QualityPanel key="quality" client={client} version={modelsVersion} />,
        ].map((panel) => (
          <PanelBoundary key={panel.key} failed={(message) => t('admin.error', { message })}>
            {panel}
          </PanelBoundary>
        ))}
      </main>
    </>
  );
}

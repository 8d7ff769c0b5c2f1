import { useEffect, useState, type FormEvent } from 'react';
import type {
  Experiment,
  ExperimentComparison,
  ExperimentMetric,
  ExperimentVariant,
  GuClient,
  ModelVersion,
  Placement,
  VariantRecipe,
  VariantResult,
} from '@gu/sdk';
import { PLACEMENTS } from '@gu/sdk';
import { useI18n, type MessageKey } from '../common/i18n.js';
import { useLive } from './live.js';
import { failed } from './session.js';

const RECIPES: VariantRecipe[] = [
  'user-personalization',
  'similar-items',
  'bought-together',
  'popular',
  'trending',
];
/** What each placement is served by default: the natural challenger to static best sellers. */
const DEFAULT_RECIPE: Record<Placement, VariantRecipe> = {
  home: 'user-personalization',
  pdp: 'similar-items',
  cart: 'bought-together',
};
const MAX_VARIANTS = 5;

const defaultVariants = (placement: Placement): ExperimentVariant[] => [
  { name: 'bestsellers', recipe: 'popular', weight: 1 },
  { name: 'personalized', recipe: DEFAULT_RECIPE[placement], weight: 1 },
];

/** The experiments, refreshed every REFRESH_MS while the tab is visible; reload() after a change. */
function useExperiments(client: GuClient) {
  const [version, setVersion] = useState(0);
  const { value: experiments, error } = useLive(() => client.experiments(), [client, version]);
  return { experiments, error, reload: () => setVersion((v) => v + 1) };
}

export function ExperimentsPanel({ client }: { client: GuClient }) {
  const { t } = useI18n();
  const { experiments, error, reload } = useExperiments(client);
  const [creating, setCreating] = useState(false);
  const [actionError, setActionError] = useState<string>();
  const act = (run: () => Promise<unknown>, question: string) => {
    if (!window.confirm(question)) return;
    setActionError(undefined);
    run().then(reload, (e: unknown) => setActionError(failed(e)));
  };
  return (
    <section className="section" aria-labelledby="experiments-title">
      <div className="section-head">
        <h2 id="experiments-title">{t('admin.experiments')}</h2>
        {!creating && (
          <button type="button" className="button" onClick={() => setCreating(true)}>
            {t('admin.newExperiment')}
          </button>
        )}
      </div>
      {(error || actionError) && (
        <p className="alert">{t('admin.error', { message: error ?? actionError ?? '' })}</p>
      )}
      {creating && (
        <ExperimentForm
          client={client}
          onDone={(started) => {
            setCreating(false);
            if (started) reload();
          }}
        />
      )}
      {experiments?.length === 0 && !creating && <p className="muted">{t('admin.noExperiments')}</p>}
      <div className="experiments">
        {experiments?.map((e) => (
          <ExperimentCard
            key={e.id}
            experiment={e}
            onStop={() => act(() => client.stopExperiment(e.id), t('admin.confirmStop', { name: e.name }))}
            onDelete={() =>
              act(() => client.deleteExperiment(e.id), t('admin.confirmDelete', { name: e.name }))
            }
          />
        ))}
      </div>
    </section>
  );
}

function ExperimentForm({ client, onDone }: { client: GuClient; onDone: (started: boolean) => void }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [placement, setPlacement] = useState<Placement>('home');
  const [variants, setVariants] = useState(defaultVariants('home'));
  /** The smallest lift worth finding, in percent as people say it; the API takes a share. */
  const [liftPercent, setLiftPercent] = useState(10);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  // Versions a variant may try instead of the serving one (a candidate trained with promote=never, say).
  const [versions, setVersions] = useState<{ serving: Record<string, string>; versions: ModelVersion[] }>();
  useEffect(() => {
    client.models().then(setVersions, () => undefined);
  }, [client]);
  const change = (i: number, patch: Partial<ExperimentVariant>) =>
    setVariants((vs) => vs.map((v, k) => (k === i ? { ...v, ...patch } : v)));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    client.startExperiment({ name: name.trim(), placement, variants, minimumLift: liftPercent / 100 }).then(
      () => onDone(true),
      (e: unknown) => {
        setError(failed(e));
        setBusy(false);
      },
    );
  };
  return (
    <form className="experiment-form" onSubmit={submit} aria-label={t('admin.newExperiment')}>
      <div className="form-row">
        <label className="field grow">
          <span>{t('admin.experimentName')}</span>
          <input
            name="name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            maxLength={100}
            required
          />
        </label>
        <label className="field">
          <span>{t('admin.placement')}</span>
          <select
            name="placement"
            value={placement}
            onChange={(e) => {
              const next = e.target.value as Placement;
              setPlacement(next);
              setVariants(defaultVariants(next));
            }}
          >
            {PLACEMENTS.map((p) => (
              <option key={p} value={p}>
                {t(`admin.placement.${p}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        <label className="field narrow" title={t('admin.minimumLiftHint')}>
          <span>{t('admin.minimumLift')}</span>
          <input
            name="minimum-lift"
            type="number"
            min={1}
            max={100}
            step="any"
            value={liftPercent}
            onChange={(e) => setLiftPercent(Number(e.target.value))}
            required
          />
        </label>
      </div>
      <fieldset className="variants">
        <legend>{t('admin.variants')}</legend>
        {variants.map((v, i) => (
          <div className="form-row" key={i} data-variant-row={i}>
            <label className="field grow">
              <span>{t('admin.variantName')}</span>
              <input
                name={`variant-${i}-name`}
                value={v.name}
                pattern="[A-Za-z0-9][A-Za-z0-9_\-]{0,31}"
                onChange={(e) => change(i, { name: e.target.value })}
                required
              />
            </label>
            <label className="field">
              <span>{t('admin.recipe')}</span>
              <select
                name={`variant-${i}-recipe`}
                value={v.recipe}
                onChange={(e) =>
                  change(i, { recipe: e.target.value as VariantRecipe, modelVersion: undefined })
                }
              >
                {RECIPES.map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span>{t('admin.version')}</span>
              <select
                name={`variant-${i}-version`}
                value={v.modelVersion ?? ''}
                onChange={(e) => change(i, { modelVersion: e.target.value || undefined })}
              >
                <option value="">{t('admin.servingVersion')}</option>
                {versions?.versions
                  .filter((m) => m.recipe === v.recipe && m.id !== versions.serving[v.recipe])
                  .map((m) => (
                    <option key={m.id} value={m.id}>
                      {m.id}
                    </option>
                  ))}
              </select>
            </label>
            <label className="field narrow">
              <span>{t('admin.weight')}</span>
              <input
                name={`variant-${i}-weight`}
                type="number"
                min={0.01}
                max={100}
                step="any"
                value={v.weight}
                onChange={(e) => change(i, { weight: Number(e.target.value) })}
                required
              />
            </label>
            {variants.length > 2 && (
              <button
                type="button"
                className="small-button"
                onClick={() => setVariants((vs) => vs.filter((_, k) => k !== i))}
              >
                {t('admin.removeVariant')}
              </button>
            )}
          </div>
        ))}
        {variants.length < MAX_VARIANTS && (
          <button
            type="button"
            className="small-button"
            onClick={() =>
              setVariants((vs) => [
                ...vs,
                { name: `variant-${vs.length + 1}`, recipe: 'trending', weight: 1 },
              ])
            }
          >
            {t('admin.addVariant')}
          </button>
        )}
      </fieldset>
      {error && (
        <p className="alert" role="alert">
          {t('admin.error', { message: error })}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="button" disabled={busy || !name.trim()}>
          {t('admin.startExperiment')}
        </button>
        <button type="button" className="small-button" onClick={() => onDone(false)}>
          {t('admin.cancel')}
        </button>
      </div>
    </form>
  );
}

const METRICS: { key: ExperimentMetric; label: MessageKey }[] = [
  { key: 'ctr', label: 'admin.ctr' },
  { key: 'conversionRate', label: 'admin.conversion' },
  { key: 'averageOrderValue', label: 'admin.aov' },
  { key: 'revenuePerShopper', label: 'admin.revenuePerShopper' },
];

function ExperimentCard({
  experiment: e,
  onStop,
  onDelete,
}: {
  experiment: Experiment;
  onStop: () => void;
  onDelete: () => void;
}) {
  const { t, number, percent, price, dateTime } = useI18n();
  const running = e.status === 'running';
  const results = e.results;
  const totalWeight = e.variants.reduce((s, v) => s + v.weight, 0);
  const value = (metric: ExperimentMetric, v: VariantResult) =>
    metric === 'ctr' || metric === 'conversionRate'
      ? percent(v[metric])
      : v[metric] === null
        ? '–'
        : price(v[metric]);
  return (
    <article className="experiment" data-experiment={e.id} data-status={e.status}>
      <div className="report-head">
        <strong>{e.name}</strong>
        <span className={running ? 'pill pill-ok' : 'pill'}>
          {running ? t('admin.running') : t('admin.stopped')}
        </span>
        <span className="muted small">
          {t(`admin.placement.${e.placement}` as MessageKey)} ·{' '}
          {e.stoppedAt
            ? t('admin.between', { start: dateTime(e.startedAt), stop: dateTime(e.stoppedAt) })
            : t('admin.since', { start: dateTime(e.startedAt) })}
          {e.minimumLift !== undefined && (
            <span data-minimum-lift> · {t('admin.seeking', { lift: percent(e.minimumLift) })}</span>
          )}
        </span>
        <span className="grow" />
        {running ? (
          <button type="button" className="small-button" onClick={onStop}>
            {t('admin.stop')}
          </button>
        ) : (
          <button type="button" className="small-button" onClick={onDelete}>
            {t('admin.delete')}
          </button>
        )}
      </div>
      {results.sampleRatio.mismatch && (
        <p className="alert" data-srm>
          {t('admin.srm', { p: results.sampleRatio.pValue?.toExponential(1) ?? '–' })}
        </p>
      )}
      <div className="table-wrap">
        <table className="table" data-table="experiment">
          <thead>
            <tr>
              <th>{t('admin.variant')}</th>
              <th className="num">{t('admin.shoppers')}</th>
              {METRICS.map((m) => (
                <th key={m.key} className="num">
                  {t(m.label)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {results.variants.map((v, i) => (
              <tr key={v.name} data-variant={v.name}>
                <td>
                  <strong>{v.name}</strong>
                  {i === 0 && <span className="pill pill-neutral">{t('admin.control')}</span>}
                  <div className="muted small">
                    {v.recipe} · {percent(v.weight / totalWeight)}
                  </div>
                  {v.modelVersion && <div className="muted small mono">{v.modelVersion}</div>}
                </td>
                <td className="num">{number(v.shoppers)}</td>
                {METRICS.map((m) => (
                  <td key={m.key} className="num" data-metric={m.key}>
                    {value(m.key, v)}
                    {m.key === 'ctr' && (
                      <div className="muted small">
                        {number(v.clicks)} / {number(v.impressions)}
                      </div>
                    )}
                    {v.vsControl?.[m.key] && <Lift comparison={v.vsControl[m.key]!} />}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        <Plan results={results} />
        <p className="muted small">
          {t('admin.alphaNote', {
            confidence: percent(results.confidence ?? 0.95),
            alpha: Number(results.alpha.toPrecision(3)),
          })}
        </p>
      </div>
    </article>
  );
}

/** How far the test is from the sample it needs to see the planned lift: a meter per metric. */
function Plan({ results }: { results: Experiment['results'] }) {
  const { t, number, percent } = useI18n();
  const { plan, variants } = results;
  if (!plan) return null;
  const have = Math.min(...variants.map((v) => v.shoppers));
  const rows = [
    { key: 'conversion', needed: plan.shoppersPerVariant.conversionRate, label: 'admin.conversion' },
    { key: 'ctr', needed: plan.shoppersPerVariant.ctr, label: 'admin.ctr' },
  ] as const;
  if (rows.every((r) => r.needed === null)) return null;
  return (
    <div className="plan" data-plan>
      <div className="muted small">
        {t('admin.planTitle', { lift: percent(plan.minimumLift), power: percent(plan.power) })}
      </div>
      {rows.map(
        (r) =>
          r.needed !== null && (
            <div key={r.key} className="plan-row small" data-plan-metric={r.key}>
              <span>{t(r.label)}</span>
              <span className="meter">
                <span style={{ width: `${Math.min(100, (have / r.needed) * 100)}%` }} />
              </span>
              <span className="num">
                {t('admin.planShoppers', { have: number(have), needed: number(r.needed) })}
              </span>
            </div>
          ),
      )}
    </div>
  );
}

/**
 * A treatment's relative lift over the control with its 95% interval drawn around zero (a forest plot in a
 * cell): green when significantly better, red when significantly worse, grey while the interval holds zero.
 */
function Lift({ comparison: c }: { comparison: ExperimentComparison }) {
  const { t, percent } = useI18n();
  const verdict = !c.significant ? 'none' : c.difference > 0 ? 'better' : 'worse';
  const label =
    verdict === 'better'
      ? t('admin.better')
      : verdict === 'worse'
        ? t('admin.worse')
        : t('admin.notSignificant');
  const { control } = c;
  const signed = (share: number) => (share > 0 ? '+' : '') + percent(share);
  // The interval in relative terms, on a scale that holds it and zero.
  const [lo, hi] = control ? c.interval.map((x) => x / control) : [0, 0];
  const scale = Math.max(Math.abs(lo), Math.abs(hi), 0.05);
  const at = (x: number) => `${50 + (x / scale) * 50}%`;
  return (
    <div className={`lift lift-${verdict}`} data-verdict={verdict}>
      <div>
        {c.relativeLift === null ? '–' : t('admin.lift', { lift: signed(c.relativeLift) })}
        <span className="lift-p">
          {c.pValue < 0.001 ? 'p < 0.001' : t('admin.pValue', { p: c.pValue.toFixed(3) })}
        </span>
      </div>
      {control !== 0 && (
        <div className="lift-track" role="img" aria-label={`${signed(lo)} … ${signed(hi)}`}>
          <span className="lift-zero" />
          <span className="lift-ci" style={{ left: at(lo), width: `${((hi - lo) / scale) * 50}%` }} />
          <span className="lift-point" style={{ left: at(c.difference / control) }} />
        </div>
      )}
      <div className="lift-verdict">{label}</div>
    </div>
  );
}

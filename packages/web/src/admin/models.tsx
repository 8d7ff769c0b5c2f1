import { Fragment, useEffect, useRef, useState } from 'react';
import type { GuClient, ModelVersion, TrainingJob } from '@gu/sdk';
import { useI18n } from '../common/i18n.js';
import { failed } from './session.js';

/** The offline metrics shown per version (PRODUCT.md §5): ranking quality, hit rate, catalog coverage. */
const METRICS = ['ndcg@20', 'hr@20', 'coverage@20'] as const;
/** Versions shown per recipe; older ones stay in the store. */
const PER_RECIPE = 4;

function useModels(client: GuClient, version: number) {
  const [models, setModels] = useState<{ serving: Record<string, string>; versions: ModelVersion[] }>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    let live = true;
    client.models().then(
      (m) => live && (setModels(m), setError(undefined)),
      (e: unknown) => live && setError(failed(e)),
    );
    return () => {
      live = false;
    };
  }, [client, version]);
  return { models, error };
}

/** Starts a training job and follows it until it ends; picks up a job already running on load. */
function useTraining(client: GuClient, onDone: () => void) {
  const [job, setJob] = useState<TrainingJob>();
  const [error, setError] = useState<string>();
  const [now, setNow] = useState(Date.now());
  const done = useRef(onDone);
  useEffect(() => {
    done.current = onDone;
  });
  useEffect(() => {
    client.trainingJobs().then(
      (jobs) => setJob((j) => j ?? jobs.find((x) => x.status === 'running')),
      () => undefined,
    );
  }, [client]);
  const running = job?.status === 'running';
  useEffect(() => {
    if (!running || !job) return;
    const timer = setInterval(() => {
      setNow(Date.now());
      client.trainingJob(job.id).then(
        (next) => {
          if (next.status === 'running') return;
          setJob(next);
          done.current();
        },
        (e: unknown) => setError(failed(e)),
      );
    }, 1000);
    return () => clearInterval(timer);
  }, [client, running, job]);
  const start = () => {
    setError(undefined);
    client.train().then(
      (started) => {
        setJob(started);
        setNow(Date.now());
      },
      (e: unknown) => setError(failed(e)),
    );
  };
  return {
    job,
    error,
    start,
    running,
    seconds: job ? Math.max(0, Math.round((now - Date.parse(job.startedAt)) / 1000)) : 0,
  };
}

export function ModelsPanel({
  client,
  version,
  onChange,
}: {
  client: GuClient;
  version: number;
  onChange: () => void;
}) {
  const { t, number, dateTime } = useI18n();
  const { models, error } = useModels(client, version);
  const training = useTraining(client, onChange);
  const [actionError, setActionError] = useState<string>();
  const act = (run: () => Promise<unknown>, question: string) => {
    if (!window.confirm(question)) return;
    setActionError(undefined);
    run().then(onChange, (e: unknown) => setActionError(failed(e)));
  };

  const byRecipe = new Map<string, ModelVersion[]>();
  for (const v of models?.versions ?? []) byRecipe.set(v.recipe, [...(byRecipe.get(v.recipe) ?? []), v]);
  const job = training.job;

  return (
    <section className="section" aria-labelledby="models-title">
      <div className="section-head">
        <h2 id="models-title">{t('admin.models')}</h2>
        <button type="button" className="button" onClick={training.start} disabled={training.running}>
          {training.running ? t('admin.training', { seconds: training.seconds }) : t('admin.trainNow')}
        </button>
      </div>
      {job && job.status !== 'running' && (
        <p className={job.status === 'succeeded' ? 'note note-ok' : 'alert'} data-job-status={job.status}>
          {job.status === 'succeeded'
            ? t('admin.trainDone', {
                promoted: job.report?.promoted.length ?? 0,
                held: job.report?.held.length ?? 0,
              })
            : t('admin.trainFailed', { message: job.error?.message ?? '?' })}
        </p>
      )}
      {(error || training.error || actionError) && (
        <p className="alert">{t('admin.error', { message: error ?? training.error ?? actionError ?? '' })}</p>
      )}
      {models && models.versions.length === 0 && <p className="muted">{t('admin.noModels')}</p>}
      {models && models.versions.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-table="models">
            <thead>
              <tr>
                <th>{t('admin.version')}</th>
                <th>{t('admin.created')}</th>
                {METRICS.map((m) => (
                  <th key={m} className="num">
                    {m}
                  </th>
                ))}
                <th>{t('admin.data')}</th>
                <th className="num">{t('admin.trainTime')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {[...byRecipe].map(([recipe, versions]) => (
                <Fragment key={recipe}>
                  <tr className="group">
                    <th colSpan={METRICS.length + 4}>{recipe}</th>
                    <td className="actions">
                      {versions.length > 1 && (
                        <button
                          type="button"
                          className="small-button"
                          onClick={() =>
                            act(() => client.rollback(recipe), t('admin.confirmRollback', { recipe }))
                          }
                        >
                          {t('admin.rollback')}
                        </button>
                      )}
                    </td>
                  </tr>
                  {versions.slice(0, PER_RECIPE).map((v) => {
                    const serving = models.serving[recipe] === v.id;
                    return (
                      <tr key={v.id} data-version={v.id} className={serving ? 'serving' : undefined}>
                        <td className="mono">
                          {v.id}
                          {serving && <span className="pill pill-ok">{t('admin.serving')}</span>}
                        </td>
                        <td>{dateTime(v.createdAt)}</td>
                        {METRICS.map((m) => (
                          <td key={m} className="num">
                            {v.metrics[m] === undefined ? '–' : v.metrics[m].toFixed(3)}
                          </td>
                        ))}
                        <td className="muted small">
                          {t('admin.dataValue', {
                            users: number(v.data.users),
                            items: number(v.data.items),
                            interactions: number(v.data.interactions),
                          })}
                        </td>
                        <td className="num">
                          {v.trainSeconds < 10 ? v.trainSeconds.toFixed(2) : number(v.trainSeconds)} s
                        </td>
                        <td className="actions">
                          {!serving && (
                            <button
                              type="button"
                              className="small-button"
                              onClick={() =>
                                act(() => client.promote(v.id), t('admin.confirmPromote', { id: v.id }))
                              }
                            >
                              {t('admin.promote')}
                            </button>
                          )}
                        </td>
                      </tr>
                    );
                  })}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

import { useEffect, useState } from 'react';
import type { DataQuality, GuClient } from '@gu/sdk';
import { useI18n } from '../common/i18n.js';
import { failed } from './session.js';

/** Reports shown; each training writes one. */
const SHOWN = 8;

/** Data-quality reports of the trainings, newest first: share of valid rows, the 95% gate, main reasons. */
export function QualityPanel({ client, version }: { client: GuClient; version: number }) {
  const { t, number, percent, dateTime } = useI18n();
  const [reports, setReports] = useState<{ at: string; report: DataQuality }[]>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    let live = true;
    client.dataQuality().then(
      (answer) => live && setReports(answer.reports),
      (e: unknown) => live && setError(failed(e)),
    );
    return () => {
      live = false;
    };
  }, [client, version]);
  return (
    <section className="section" aria-labelledby="quality-title">
      <div className="section-head">
        <h2 id="quality-title">{t('admin.quality')}</h2>
      </div>
      {error && <p className="alert">{t('admin.error', { message: error })}</p>}
      {reports && reports.length === 0 && <p className="muted">{t('admin.noQuality')}</p>}
      <ul className="reports" data-list="quality">
        {(reports ?? []).slice(0, SHOWN).map(({ at, report }) => (
          <li key={at} className="report">
            <div className="report-head">
              <span className={report.passes ? 'pill pill-ok' : 'pill pill-bad'}>
                {report.passes ? t('admin.passes') : t('admin.fails')}
              </span>
              <strong>
                {t('admin.qualityRow', {
                  valid: number(report.valid),
                  rows: number(report.rows),
                  share: percent(report.validShare),
                })}
              </strong>
              <span className="muted small">{dateTime(at)}</span>
            </div>
            <div className="meter" aria-hidden="true">
              <span style={{ width: `${(report.validShare * 100).toFixed(1)}%` }} />
            </div>
            {report.errors.length > 0 && (
              <ul className="reasons">
                {report.errors.slice(0, 3).map((e) => (
                  <li key={e.reason}>
                    {e.reason} <span className="muted">× {number(e.count)}</span>
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

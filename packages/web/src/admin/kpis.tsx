import { useState, type ReactNode } from 'react';
import {
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  Legend,
  LinearScale,
  LineElement,
  PointElement,
  Tooltip,
  type ChartOptions,
} from 'chart.js';
import { Bar, Line } from 'react-chartjs-2';
import type { GuClient, KpiReport } from '@gu/sdk';
import { useI18n } from '../common/i18n.js';
import { REFRESH_MS, useLive } from './live.js';

Chart.register(CategoryScale, LinearScale, PointElement, LineElement, BarElement, Filler, Tooltip, Legend);
Chart.defaults.font.family = getComputedStyle(document.documentElement).fontFamily;
Chart.defaults.color = '#667085';

const WINDOWS = [15, 60, 360, 1440];

const RED = '#d7263d';
const BLUE = '#2e6fd8';
const GREEN = '#12805c';
const AMBER = '#e59f0b';

/** The KPI report, refreshed every REFRESH_MS while the tab is visible. */
function useKpis(client: GuClient, window: number) {
  const { value: report, error, updatedAt } = useLive(() => client.kpis(window), [client, window]);
  return { report, error, updatedAt };
}

function Tile({
  label,
  value,
  sub,
  testId,
}: {
  label: string;
  value: ReactNode;
  sub?: ReactNode;
  testId: string;
}) {
  return (
    <div className="tile-kpi" data-kpi={testId}>
      <div className="tile-label">{label}</div>
      <div className="tile-value">{value}</div>
      {sub && <div className="tile-sub">{sub}</div>}
    </div>
  );
}

const ms = (v: number | null) => (v === null ? '–' : v < 10 ? v.toFixed(2) : v.toFixed(0));

const lineOptions = (unit?: string): ChartOptions<'line'> => ({
  responsive: true,
  maintainAspectRatio: false,
  animation: false,
  interaction: { mode: 'index', intersect: false },
  plugins: { legend: { position: 'bottom', labels: { boxWidth: 12, boxHeight: 12 } } },
  elements: { point: { radius: 0, hoverRadius: 4 }, line: { borderWidth: 2, tension: 0.3 } },
  scales: {
    x: { grid: { display: false }, ticks: { maxTicksLimit: 8, maxRotation: 0 } },
    y: {
      beginAtZero: true,
      grid: { color: '#eef0f3' },
      ticks: { maxTicksLimit: 6, ...(unit ? { callback: (v) => `${v} ${unit}` } : {}) },
    },
  },
});

export function KpiPanel({ client }: { client: GuClient }) {
  const { t, number, percent, price, locale } = useI18n();
  const [window, setWindow] = useState(60);
  const { report, error, updatedAt } = useKpis(client, window);
  const clock = (iso: string) =>
    new Date(iso).toLocaleTimeString(locale === 'vi' ? 'vi-VN' : 'en-GB', {
      hour: '2-digit',
      minute: '2-digit',
    });
  const series = report?.series ?? [];
  const labels = series.map((p) => clock(p.minute));
  const widgets = Object.entries(report?.widgets ?? {}).sort(([a], [b]) => a.localeCompare(b));

  return (
    <section className="section" aria-labelledby="kpi-title">
      <div className="section-head">
        <h2 id="kpi-title">
          <span className={error ? 'dot dot-off' : 'dot'} /> {t('admin.live', { n: REFRESH_MS / 1000 })}
        </h2>
        <label className="window">
          {t('admin.window')}{' '}
          <select value={window} onChange={(e) => setWindow(Number(e.target.value))}>
            {WINDOWS.map((w) => (
              <option key={w} value={w}>
                {w < 60 ? t('admin.minutes', { n: w }) : t('admin.hours', { n: w / 60 })}
              </option>
            ))}
          </select>
        </label>
      </div>
      {error && <p className="alert">{t('admin.error', { message: error })}</p>}
      <div className="tiles" data-updated-at={updatedAt}>
        <Tile
          testId="events"
          label={t('admin.eventsPerSecond')}
          value={report ? number(report.eventsPerSecond) : '…'}
          sub={report && `${t('admin.shoppers')}: ${number(report.shoppers)}`}
        />
        <Tile
          testId="latency"
          label={t('admin.latency')}
          value={
            report ? (
              <>
                {ms(report.recommendations.latencyP50Ms)} / {ms(report.recommendations.latencyP99Ms)}
                <small> ms</small>
              </>
            ) : (
              '…'
            )
          }
          sub={
            report &&
            t('admin.answers', {
              n: number(report.recommendations.answers),
              fallbacks: number(report.recommendations.fallbacks),
            })
          }
        />
        <Tile
          testId="conversion"
          label={t('admin.conversion')}
          value={report ? percent(report.conversionRate) : '…'}
          sub={report && `${t('admin.orders')}: ${number(report.orders)}`}
        />
        <Tile
          testId="aov"
          label={t('admin.aov')}
          value={report ? (report.averageOrderValue === null ? '–' : price(report.averageOrderValue)) : '…'}
          sub={report && `${t('admin.revenue')}: ${price(report.revenue)}`}
        />
        <Tile
          testId="bounce"
          label={t('admin.bounce')}
          value={report ? percent(report.bounceRate) : '…'}
          sub={report && t('admin.attributed', { value: price(report.attributedRevenue) })}
        />
        <Tile
          testId="ctr"
          label={t('admin.ctrAll')}
          value={report ? percent(overallCtr(report)) : '…'}
          sub={
            report &&
            `${t('admin.clicks')}: ${number(sumOf(report, 'clicks'))} / ${number(sumOf(report, 'impressions'))}`
          }
        />
      </div>
      <div className="charts">
        <figure className="chart-box" data-chart="events">
          <figcaption>{t('admin.eventsChart')}</figcaption>
          <div className="chart">
            <Line
              options={lineOptions()}
              data={{
                labels,
                datasets: [
                  {
                    label: t('admin.events'),
                    data: series.map((p) => p.events),
                    borderColor: RED,
                    backgroundColor: 'rgb(215 38 61 / 10%)',
                    fill: true,
                  },
                  {
                    label: t('admin.impressions'),
                    data: series.map((p) => p.impressions),
                    borderColor: AMBER,
                  },
                  { label: t('admin.purchases'), data: series.map((p) => p.purchases), borderColor: GREEN },
                ],
              }}
            />
          </div>
        </figure>
        <figure className="chart-box" data-chart="latency">
          <figcaption>{t('admin.latencyChart')}</figcaption>
          <div className="chart">
            <Line
              // Points drawn: a minute with answers between two without is still seen.
              options={{ ...lineOptions('ms'), spanGaps: true, elements: { point: { radius: 2 } } }}
              data={{
                labels,
                datasets: [
                  { label: 'p50', data: series.map((p) => p.latencyP50Ms), borderColor: BLUE },
                  {
                    label: 'p99',
                    data: series.map((p) => p.latencyP99Ms),
                    borderColor: RED,
                    borderDash: [5, 4],
                  },
                ],
              }}
            />
          </div>
        </figure>
        <figure className="chart-box" data-chart="ctr">
          <figcaption>{t('admin.ctrChart')}</figcaption>
          {widgets.length ? (
            <>
              <div className="chart chart-short">
                <Bar
                  options={{
                    responsive: true,
                    maintainAspectRatio: false,
                    animation: false,
                    plugins: {
                      legend: { display: false },
                      tooltip: { callbacks: { label: (c) => percent(c.parsed.y) } },
                    },
                    scales: {
                      x: { grid: { display: false } },
                      y: {
                        beginAtZero: true,
                        grid: { color: '#eef0f3' },
                        ticks: { callback: (v) => percent(Number(v)) },
                      },
                    },
                  }}
                  data={{
                    labels: widgets.map(([w]) => w),
                    datasets: [
                      {
                        label: t('admin.ctr'),
                        data: widgets.map(([, w]) => w.ctr ?? 0),
                        backgroundColor: [RED, BLUE, GREEN, AMBER],
                        borderRadius: 6,
                        maxBarThickness: 56,
                      },
                    ],
                  }}
                />
              </div>
              <div className="table-wrap">
                <table className="table table-compact">
                  <thead>
                    <tr>
                      <th>{t('admin.widget')}</th>
                      <th className="num">{t('admin.served')}</th>
                      <th className="num">{t('admin.impressions')}</th>
                      <th className="num">{t('admin.clicks')}</th>
                      <th className="num">{t('admin.ctr')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {widgets.map(([name, w]) => (
                      <tr key={name} data-widget={name}>
                        <td>{name}</td>
                        <td className="num">{number(w.served)}</td>
                        <td className="num">{number(w.impressions)}</td>
                        <td className="num">{number(w.clicks)}</td>
                        <td className="num">{percent(w.ctr)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </>
          ) : (
            <p className="muted">{t('admin.noWidgets')}</p>
          )}
        </figure>
      </div>
    </section>
  );
}

const sumOf = (r: KpiReport, kind: 'clicks' | 'impressions') =>
  Object.values(r.widgets).reduce((n, w) => n + w[kind], 0);

function overallCtr(r: KpiReport): number | null {
  const impressions = sumOf(r, 'impressions');
  return impressions ? sumOf(r, 'clicks') / impressions : null;
}

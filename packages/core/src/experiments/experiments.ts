import { shopperKey, type ShopEvent } from '../domain/events.js';
import { MAX_CLOCK_SKEW_MS } from '../domain/validation.js';
import { GuError } from '../errors.js';
import { dayOf, type DataLake } from '../ports/data-lake.js';
import type { MetaStore } from '../ports/meta-store.js';
import type { Placement } from '../serving/placements.js';
import { assign, checkExperiment, type Arm, type Experiment, type ExperimentDraft } from './experiment.js';
import { ExperimentTally, type ExperimentResults } from './experiment-tally.js';

const PREFIX = 'experiment/';
const DAY_MS = 86_400_000;

/** A stopped test's figures as stored: those of tests stopped before Gu planned them have no plan. */
export type StoredResults = Omit<ExperimentResults, 'plan'> & Partial<Pick<ExperimentResults, 'plan'>>;

/** An experiment as stored: a stopped one keeps the figures it stopped with. */
interface Stored extends Experiment {
  results?: StoredResults;
}

export interface ExperimentReport extends Experiment {
  status: 'running' | 'stopped';
  results: StoredResults;
}

export interface ExperimentsOptions {
  now: () => number;
  /**
   * Readies what a new experiment serves before it starts (loads its variants' model versions); throws to
   * refuse it, with the reason.
   */
  prepare?: (experiment: Experiment) => Promise<void>;
  /** Told when a start fails after prepare, to let go of what it readied. */
  abandoned?: () => void;
  /** Brings the counts up to what was accepted before a stop freezes them (processes the log's backlog). */
  settle?: () => Promise<unknown>;
  /** Told when an experiment starts, stops or goes, for the replicas to load them again. */
  onChange?: () => void;
  /** A serving replica's: it counts the experiments its writer stores, and refuses to change them. */
  follower?: boolean;
}

/** A readable id: the name's letters (Vietnamese marks dropped) and a random suffix. */
function newId(name: string): string {
  const slug = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 32)
    .replace(/-+$/, '');
  return `${slug || 'experiment'}-${Math.random().toString(36).slice(2, 6).padEnd(4, '0')}`;
}

/**
 * A/B tests of recommendation variants (PRODUCT.md §1, §6): at most one runs per placement; a shopper keeps
 * the variant of their first exposure, else is assigned one by hash, so they see the same one on every visit
 * and on every replica; the figures are counted from the events as they are processed (by every process, the
 * exposures deciding what it serves) and, after a restart, recounted from the 30-day event store, and from
 * the lake for the days before those. Stopping freezes them in the meta store.
 */
export class Experiments {
  private stored = new Map<string, Stored>();
  private running = new Map<Placement, Experiment>();
  private tallies = new Map<string, ExperimentTally>();
  /** Experiments being started, by placement (their models loading, their record being written). */
  private readonly starting = new Map<Placement, Experiment>();

  constructor(
    private readonly meta: MetaStore,
    private readonly options: ExperimentsOptions,
  ) {}

  /**
   * Reads the experiments from the meta store; running ones start counting afresh (the restart recount refills
   * them). Resolves with the ids of the running experiments this process did not know before.
   */
  async load(): Promise<string[]> {
    const all = await this.meta.list<Stored>(PREFIX);
    this.stored = new Map(all.map(([, e]) => [e.id, e]));
    this.running = new Map();
    const tallies = new Map<string, ExperimentTally>();
    for (const e of this.stored.values()) {
      if (e.stoppedAt !== undefined) continue;
      this.running.set(e.placement, e);
      tallies.set(e.id, this.tallies.get(e.id) ?? new ExperimentTally(e));
    }
    const added = [...tallies.keys()].filter((id) => !this.tallies.has(id));
    this.tallies = tallies;
    return added;
  }

  /**
   * The variant a shopper is served on a placement; undefined when no experiment runs there. A shopper already
   * exposed keeps their variant: the user's, else their session's, so that signing in mid-test keeps the
   * session's (it becomes the user's as the sign-in is processed, unless the user was exposed earlier on
   * another device: ExperimentTally.merge); else it is drawn by hash of the user, or of the session while
   * they are anonymous.
   */
  arm(placement: Placement, shopper: { userId?: string; sessionId?: string }): Arm | undefined {
    const experiment = this.running.get(placement);
    // An anonymous request (no user, no session) cannot be followed to an outcome: it is left out.
    if (!experiment || (!shopper.userId && !shopper.sessionId)) return undefined;
    const tally = this.tallies.get(experiment.id)!;
    const exposed =
      (shopper.userId ? tally.variantOf(`u:${shopper.userId}`) : undefined) ??
      (shopper.sessionId ? tally.variantOf(`s:${shopper.sessionId}`) : undefined);
    const variant =
      exposed === undefined ? assign(experiment, shopperKey(shopper)) : experiment.variants[exposed];
    return {
      experiment: experiment.id,
      variant: variant.name,
      recipe: variant.recipe,
      modelVersion: variant.modelVersion,
    };
  }

  /** The model versions that running experiments' variants serve, and those of experiments starting. */
  modelVersions(): Set<string> {
    const ids = new Set<string>();
    for (const e of [...this.running.values(), ...this.starting.values()])
      for (const v of e.variants) if (v.modelVersion) ids.add(v.modelVersion);
    return ids;
  }

  /**
   * An event, once, as the shopper state takes it (the processor's onApply): on start from the event store,
   * then from the log; a replay after a restart does not come again, so nothing is counted twice.
   */
  record(e: ShopEvent): void {
    for (const tally of this.tallies.values()) tally.record(e);
  }

  /**
   * The processor's start recounts running experiments from the event store, which keeps 30 days: what an
   * experiment that started before `horizon` (the store's first moment) counted before it is recounted first
   * from the lake, which keeps a year. The events go in event time, as the store's do: the lake's days follow
   * one another in time, and each day's events are sorted. The lake can hold an event twice (a crash replay,
   * an id sent again after the log forgot it), each time in the same day: a day's second copy is passed over.
   * Resolves with how many events were counted.
   */
  async recountBefore(horizon: number, lake: DataLake): Promise<number> {
    // ExperimentTally.record takes events stamped up to a clock's skew before the start.
    const long = [...this.running.values()].filter((e) => e.startedAt - MAX_CLOCK_SKEW_MS < horizon);
    if (!long.length) return 0;
    const tallies = long.map((e) => this.tallies.get(e.id)!);
    const first = Math.floor((Math.min(...long.map((e) => e.startedAt)) - MAX_CLOCK_SKEW_MS) / DAY_MS);
    const last = Math.floor(horizon / DAY_MS);
    let day = first;
    let events = new Map<string, ShopEvent>();
    let counted = 0;
    const countDay = () => {
      const inTime = [...events.values()].sort((a, b) => a.timestamp - b.timestamp);
      for (const tally of tallies) for (const e of inTime) tally.record(e);
      counted += inTime.length;
      events = new Map();
    };
    for await (const e of lake.scan(dayOf(first * DAY_MS))) {
      const d = Math.floor(e.timestamp / DAY_MS);
      if (d > last) break;
      if (d !== day) {
        countDay();
        day = d;
      }
      // By id, the first copy, as the event store keeps it.
      if (e.timestamp < horizon && ExperimentTally.counts(e) && !events.has(e.eventId))
        events.set(e.eventId, e);
    }
    countDay();
    return counted;
  }

  /** Events already applied, into one running experiment's tally only (one it learnt of late). */
  replay(id: string, events: readonly ShopEvent[]): void {
    const tally = this.tallies.get(id);
    if (tally) for (const e of events) tally.record(e);
  }

  erase(shoppers: readonly string[]): void {
    for (const tally of this.tallies.values()) tally.erase(shoppers);
  }

  /** The ids of the running experiments, without their figures. */
  runningIds(): string[] {
    return [...this.running.values()].map((e) => e.id);
  }

  list(): ExperimentReport[] {
    return [...this.stored.values()].sort((a, b) => b.startedAt - a.startedAt).map((e) => this.report(e));
  }

  get(id: string): ExperimentReport {
    const e = this.stored.get(id);
    if (!e) throw new GuError('UNKNOWN_EXPERIMENT', `no experiment ${id}`);
    return this.report(e);
  }

  private report({ results, ...experiment }: Stored): ExperimentReport {
    const running = experiment.stoppedAt === undefined;
    return {
      ...experiment,
      status: running ? 'running' : 'stopped',
      results: running ? this.tallies.get(experiment.id)!.results(this.options.now()) : results!,
    };
  }

  private writable(): void {
    if (this.options.follower)
      throw new GuError('READ_ONLY', 'experiments are started and stopped by the writer');
  }

  /** Starts an experiment on a placement where none runs. */
  async start(draft: ExperimentDraft): Promise<ExperimentReport> {
    this.writable();
    let id: string;
    do id = newId(typeof draft.name === 'string' ? draft.name : '');
    while (this.stored.has(id));
    const experiment = checkExperiment(draft, id, this.options.now());
    const busy = this.running.get(experiment.placement);
    if (busy)
      throw new GuError(
        'EXPERIMENT_RUNNING',
        `experiment ${busy.id} already runs on ${busy.placement}: stop it first`,
      );
    // The placement is taken before the first wait, so that two starts at once cannot both pass the check.
    if (this.starting.has(experiment.placement))
      throw new GuError('EXPERIMENT_RUNNING', `another experiment is starting on ${experiment.placement}`);
    this.starting.set(experiment.placement, experiment);
    try {
      await this.options.prepare?.(experiment);
      await this.meta.set(PREFIX + id, experiment);
    } catch (error) {
      this.starting.delete(experiment.placement);
      this.options.abandoned?.();
      throw error;
    }
    this.starting.delete(experiment.placement);
    this.stored.set(id, experiment);
    this.running.set(experiment.placement, experiment);
    this.tallies.set(id, new ExperimentTally(experiment));
    this.options.onChange?.();
    return this.report(experiment);
  }

  /** Stops an experiment: its shoppers see the placement's default again, and its figures are frozen. */
  async stop(id: string): Promise<ExperimentReport> {
    this.writable();
    const e = this.stored.get(id);
    if (!e) throw new GuError('UNKNOWN_EXPERIMENT', `no experiment ${id}`);
    if (e.stoppedAt !== undefined) return this.report(e); // stopping twice is stopping once
    await this.options.settle?.();
    const now = this.options.now();
    const results = this.tallies.get(id)!.results(now);
    const stopped: Stored = { ...e, stoppedAt: now, results };
    await this.meta.set(PREFIX + id, stopped);
    this.stored.set(id, stopped);
    this.running.delete(e.placement);
    this.tallies.delete(id);
    this.options.onChange?.();
    return this.report(stopped);
  }

  /** Deletes a stopped experiment and its figures. */
  async delete(id: string): Promise<void> {
    this.writable();
    const e = this.stored.get(id);
    if (!e) throw new GuError('UNKNOWN_EXPERIMENT', `no experiment ${id}`);
    if (e.stoppedAt === undefined)
      throw new GuError('EXPERIMENT_RUNNING', `experiment ${id} is running: stop it before deleting it`);
    await this.meta.delete(PREFIX + id);
    this.stored.delete(id);
    this.options.onChange?.();
  }
}

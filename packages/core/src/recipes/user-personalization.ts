import { DEFAULT_EVENT_WEIGHTS, type EventType, weightsByCode } from '../domain/events.js';
import type { Interactions } from '../data/interactions.js';
import { numItems, numUsers } from '../data/interactions.js';
import { defaultThreads } from '../parallel/pool.js';
import { FactorScoring } from './als/factor-scoring.js';
import { factorGramian } from './als/kernels.js';
import { choleskySolve } from './als/linear-algebra.js';
import { solveRowsCg } from './als/cg.js';
import { csrFromTriples, type Csr } from './als/matrix.js';
import { trainAls, type AlsParams } from './als/train.js';
import { userGroups } from './groups.js';
import { ItemKnnRecipe, type ItemKnnParams } from './item-knn.js';
import { SessionKnn, type SessionKnnParams } from './session-knn.js';
import type { Query } from './query.js';
import {
  ScoringRecipe,
  type FitOptions,
  type InteractionEvent,
  type Reason,
  type RecommendOptions,
} from './recipe.js';
import { SparseScores } from './sparse-scores.js';
import { decodeSnapshot, encodeSnapshot, type Snapshot } from './snapshot.js';
import { topK, type ScoredItem } from './top-k.js';

export interface UserPersonalizationParams extends AlsParams {
  eventWeights: Record<EventType, number>;
  /** In fold-in, an event's strength decays to foldInFloor of its weight, halving every foldInHalfLife steps. */
  foldInHalfLife: number;
  foldInFloor: number;
  /** Conjugate-gradient steps of the fold-in (from zero; the k×k system converges in at most k). */
  foldInCgSteps: number;
  /**
   * Weights of the three terms, each scaled to a maximum of 1 first: `factors` (lasting taste, iALS),
   * `items` (item-to-item links from the latest events), `sessions` (votes of the most similar past sessions).
   */
  blend: { factors: number; items: number; sessions: number };
  session: Partial<ItemKnnParams>;
  sessionNeighbors: Partial<SessionKnnParams>;
}

export const USER_PERSONALIZATION_DEFAULTS: UserPersonalizationParams = {
  factors: 64,
  regularization: 0.1,
  alpha: 10,
  iterations: 12,
  cgSteps: 3,
  seed: 7,
  eventWeights: { ...DEFAULT_EVENT_WEIGHTS },
  foldInHalfLife: 5,
  foldInFloor: 0.3,
  foldInCgSteps: 8,
  blend: { factors: 0.3, items: 0.3, sessions: 0.4 },
  session: { window: 3, backwardWeight: 0.5, historyHalfLife: 1.5, maxHistory: 10 },
  sessionNeighbors: {},
};

/**
 * "Recommended for you": implicit-feedback matrix factorization (iALS) for lasting taste, folded in at query
 * time from the shopper's history with recent events weighted up, blended with two session terms: item-to-item
 * links from the latest events and the votes of past sessions most like the current one. Fold-in solves the ALS user equation with item factors fixed:
 *   x = (YᵀY + λI + Σ_i α·r_i·y_i y_iᵀ)⁻¹ · Σ_i (1 + α·r_i)·y_i
 * so a brand-new shopper is personalized from the first event, without retraining.
 */
export class UserPersonalizationRecipe extends ScoringRecipe {
  readonly name: 'user-personalization' | 'personalized-ranking' = 'user-personalization';
  readonly params: UserPersonalizationParams;
  private items: Float32Array = new Float32Array(0);
  private itemNorms: Float32Array = new Float32Array(0);
  private yty: Float64Array = new Float64Array(0);
  private session: ItemKnnRecipe;
  private neighbors: SessionKnn;
  private scratch: Float32Array = new Float32Array(0);
  private marks: Uint8Array = new Uint8Array(0);
  private sparseVotes = new SparseScores(0);
  /** The fold-in and the affinities in WebAssembly, unless k is odd. */
  private scoring?: FactorScoring;

  constructor(params: Partial<UserPersonalizationParams> = {}) {
    super();
    this.params = { ...USER_PERSONALIZATION_DEFAULTS, ...params };
    this.params.blend = { ...USER_PERSONALIZATION_DEFAULTS.blend, ...params.blend };
    this.session = new ItemKnnRecipe('similar-items', {
      ...this.params.session,
      eventWeights: this.params.eventWeights,
    });
    this.neighbors = new SessionKnn(this.params.sessionNeighbors);
  }

  get numItems(): number {
    return this.itemNorms.length;
  }

  async fit(data: Interactions, options: FitOptions = {}): Promise<void> {
    const weights = weightsByCode(this.params.eventWeights);
    const strength = Float32Array.from(data.type, (t) => weights[t]);
    const matrix = csrFromTriples(numUsers(data), numItems(data), data.user, data.item, strength, true);
    const threads = options.threads ?? defaultThreads();
    const { blend } = this.params;
    const iterations = blend.factors > 0 ? this.params.iterations : 0;
    const factors = await trainAls(matrix, { ...this.params, iterations }, threads, (done, total) =>
      options.onProgress?.(done, total + 1, 'als'),
    );
    this.setItems(factors.items);
    if (blend.items > 0) await this.session.fit(data);
    if (blend.sessions > 0) this.neighbors.fit(userGroups(data, weights), numItems(data));
    options.onProgress?.(this.params.iterations + 1, this.params.iterations + 1, 'session');
  }

  private setItems(items: Float32Array): void {
    const k = this.params.factors;
    const n = items.length / k;
    this.yty = factorGramian(items, n, k, this.params.regularization);
    this.scoring = FactorScoring.for(items, this.yty, k);
    this.items = this.scoring?.items ?? items;
    this.itemNorms = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let f = 0; f < k; f++) s += items[i * k + f] ** 2;
      this.itemNorms[i] = Math.sqrt(s);
    }
    this.scratch = new Float32Array(n);
    this.marks = new Uint8Array(n);
    this.sparseVotes = new SparseScores(n);
  }

  /** The fold-in strengths r_i of the query's items: event weights, recent events weighted up. */
  private strengths(query: Query): Map<number, number> {
    const { foldInHalfLife, foldInFloor } = this.params;
    const weights = weightsByCode(this.params.eventWeights);
    const strength = new Map<number, number>();
    const last = query.items.length - 1;
    for (let t = 0; t <= last; t++) {
      const item = query.items[t];
      if (item < 0 || item >= this.numItems) continue;
      const recency = foldInFloor + (1 - foldInFloor) * 2 ** (-(last - t) / foldInHalfLife);
      strength.set(item, (strength.get(item) ?? 0) + weights[query.types[t]] * recency);
    }
    return strength;
  }

  /**
   * The user vector folded in from the query's history (zero when there is none), by conjugate gradient on
   * the ALS user equation, from zero: O(steps·(k² + n·k)) per query instead of forming and factoring the k×k
   * system. foldInExact is the readable reference it is tested against.
   */
  foldIn(query: Query): Float64Array {
    const { factors: k, alpha, foldInCgSteps } = this.params;
    const positive = [...this.strengths(query)].filter(([, r]) => r > 0);
    if (!positive.length) return new Float64Array(k);
    if (this.scoring)
      return this.scoring.foldIn(
        Int32Array.from(positive, ([item]) => item),
        Float32Array.from(positive, ([, r]) => r),
        alpha,
        foldInCgSteps,
      );
    const row: Csr = {
      rows: 1,
      cols: this.numItems,
      ptr: Int32Array.of(0, positive.length),
      idx: Int32Array.from(positive, ([item]) => item),
      val: Float32Array.from(positive, ([, r]) => r),
    };
    const x = new Float32Array(k);
    solveRowsCg(x, this.items, this.yty, row, alpha, k, foldInCgSteps);
    return Float64Array.from(x);
  }

  /** The exact fold-in, x = (YᵀY + λI + Σ_i α·r_i·y_i y_iᵀ)⁻¹ · Σ_i (1 + α·r_i)·y_i, by Cholesky. */
  foldInExact(query: Query): Float64Array {
    const { factors: k, alpha } = this.params;
    const strength = this.strengths(query);
    if (strength.size === 0) return new Float64Array(k);
    const a = Float64Array.from(this.yty);
    const b = new Float64Array(k);
    for (const [item, r] of strength) {
      if (r <= 0) continue;
      const o = item * k;
      const c = 1 + alpha * r;
      for (let f = 0; f < k; f++) {
        const yf = this.items[o + f];
        b[f] += c * yf;
        for (let g = 0; g < k; g++) a[f * k + g] += (c - 1) * yf * this.items[o + g];
      }
    }
    return choleskySolve(a, b, k);
  }

  /** The user vector's affinity x·y_i with item i (k multiply-adds). */
  private affinity(x: Float64Array, i: number): number {
    const k = this.params.factors;
    let s = 0;
    for (let f = 0; f < k; f++) s += x[f] * this.items[i * k + f];
    return s;
  }

  /** The readable dense form: every term over every item, each scaled to its weight, summed. */
  scoreInto(query: Query, out: Float32Array): void {
    const { blend } = this.params;
    out.fill(0);
    if (blend.factors > 0) {
      const x = this.foldIn(query);
      for (let i = 0; i < out.length; i++) out[i] = this.affinity(x, i);
      scaleToMax(out, blend.factors);
    }
    const term = this.scratch;
    if (blend.items > 0) {
      this.session.scoreInto(query, term);
      addScaled(out, term, blend.items);
    }
    if (blend.sessions > 0) {
      term.fill(0);
      this.neighbors.addScores(query, (j, v) => (term[j] += v));
      addScaled(out, term, blend.sessions);
    }
  }

  /**
   * With candidates (serving's two-stage retrieval), only they are scored: the dense factor term costs
   * |candidates| · k instead of catalog · k, the sparse terms touch only linked items, and each term is scaled
   * by its largest magnitude among the candidates.
   */
  override recommend(queries: readonly Query[], n: number, options: RecommendOptions = {}): ScoredItem[][] {
    if (!options.candidates) return super.recommend(queries, n, options);
    const { blend } = this.params;
    const total = this.scratch;
    const votes = this.sparseVotes;
    return queries.map((query) => {
      // The sparse terms first: with addLinked, what they reach joins the candidates.
      const links = blend.items > 0 ? this.session.accumulate(query) : NO_LINKS;
      if (blend.sessions > 0) this.neighbors.addScores(query, (j, v) => votes.add(j, v));
      const candidates = options.addLinked
        ? this.union(
            options.candidates!,
            strongest(links, LINKED_PER_TERM),
            strongest(votes, LINKED_PER_TERM),
          )
        : this.union(options.candidates!);
      const m = candidates.length;
      const term = new Float64Array(m);
      // Each term is scaled over all candidates, seen ones included, as the dense form scales over all items.
      const addTerm = (weight: number) => {
        let max = 0;
        for (let c = 0; c < m; c++) max = Math.max(max, Math.abs(term[c]));
        if (max > 0) for (let c = 0; c < m; c++) total[candidates[c]] += (term[c] * weight) / max;
      };
      for (let c = 0; c < m; c++) total[candidates[c]] = 0;
      if (blend.factors > 0) {
        const x = this.foldIn(query);
        if (this.scoring) this.scoring.affinities(x, candidates, term);
        else for (let c = 0; c < m; c++) term[c] = this.affinity(x, candidates[c]);
        addTerm(blend.factors);
      }
      if (blend.items > 0) {
        for (let c = 0; c < m; c++) {
          const i = candidates[c];
          term[c] = links.isTouched(i) ? links.get(i) : this.session.baseScore(i);
        }
        addTerm(blend.items);
      }
      if (blend.sessions > 0) {
        for (let c = 0; c < m; c++) term[c] = votes.get(candidates[c]);
        addTerm(blend.sessions);
      }
      links.reset();
      votes.reset();
      if (options.excludeSeen ?? true)
        for (const i of query.items) if (i >= 0 && i < total.length) total[i] = -Infinity;
      if (options.exclude)
        for (const i of options.exclude) if (i >= 0 && i < total.length) total[i] = -Infinity;
      return topK(total, n, candidates);
    });
  }

  /** The distinct known items of the lists, in first-seen order (a mark per item instead of a Set). */
  private union(...lists: ArrayLike<number>[]): Int32Array {
    const marks = this.marks;
    const out = new Int32Array(lists.reduce((sum, l) => sum + l.length, 0));
    let m = 0;
    for (const list of lists)
      for (let c = 0; c < list.length; c++) {
        const i = list[c];
        if (i >= 0 && i < marks.length && !marks[i]) {
          marks[i] = 1;
          out[m++] = i;
        }
      }
    for (let c = 0; c < m; c++) marks[out[c]] = 0;
    return out.subarray(0, m);
  }

  /** Items closest to item in factor space (cosine). */
  similarItems(item: number, n: number): ScoredItem[] {
    const k = this.params.factors;
    const scores = new Float32Array(this.numItems);
    for (let j = 0; j < this.numItems; j++) {
      let s = 0;
      for (let f = 0; f < k; f++) s += this.items[item * k + f] * this.items[j * k + f];
      scores[j] = s / (this.itemNorms[item] * this.itemNorms[j] || 1);
    }
    scores[item] = -Infinity;
    return topK(scores, n);
  }

  /** Only the session term learns between trainings: the user vector is folded in from history at query time. */
  update(events: readonly InteractionEvent[]): void {
    this.session.update(events);
  }

  save(): Snapshot {
    return {
      recipe: this.name,
      params: { ...this.params },
      state: {},
      arrays: { items: this.items, session: encodeSnapshot(this.session.save()), ...this.neighbors.arrays() },
    };
  }

  load(snapshot: Snapshot): void {
    this.checkSnapshot(snapshot);
    Object.assign(this.params, snapshot.params);
    this.setItems(snapshot.arrays.items as Float32Array);
    this.session.load(decodeSnapshot(snapshot.arrays.session as Uint8Array));
    this.neighbors.restore(snapshot.arrays);
  }

  explain(query: Query, item: number): Reason {
    const viaSession = this.session.explain(query, item);
    return viaSession.item !== undefined ? viaSession : { type: 'similar-users' };
  }

  explainAll(query: Query, items: ArrayLike<number>): Reason[] {
    return this.session
      .explainAll(query, items)
      .map((viaSession) => (viaSession.item !== undefined ? viaSession : { type: 'similar-users' }));
  }
}

/** The session term's links when it is not blended in. */
const NO_LINKS = new SparseScores(0);

/** With addLinked, each sparse term adds at most this many of its strongest items to the candidates. */
const LINKED_PER_TERM = 200;

/** The n items with the largest accumulated scores, in no particular order (they join a set of candidates). */
function strongest(scores: SparseScores, n: number): Int32Array {
  return scores.touched.length <= n ? scores.touched : scores.bestItems(n);
}

/** Scales scores so that the largest magnitude equals weight. */
function scaleToMax(scores: Float32Array, weight: number): void {
  let max = 0;
  for (const s of scores) max = Math.max(max, Math.abs(s));
  if (max > 0) for (let i = 0; i < scores.length; i++) scores[i] *= weight / max;
}

/** out += term scaled so that its largest magnitude equals weight. */
function addScaled(out: Float32Array, term: Float32Array, weight: number): void {
  scaleToMax(term, weight);
  for (let i = 0; i < out.length; i++) out[i] += term[i];
}

/** Re-ranks the caller's candidates for a shopper with the user-personalization model. */
export class PersonalizedRankingRecipe extends UserPersonalizationRecipe {
  override readonly name = 'personalized-ranking';

  rank(query: Query, candidates: Int32Array): ScoredItem[] {
    return this.recommend([query], candidates.length, { candidates, excludeSeen: false })[0];
  }
}

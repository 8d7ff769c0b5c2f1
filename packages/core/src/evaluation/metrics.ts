/** Inputs of the ranking metrics: per case its targets and its ranking (best first, at least max(ks) long). */
export interface MetricsInput {
  cases: readonly { targets: Int32Array }[];
  rankings: readonly Int32Array[];
  ks: readonly number[];
  numItems: number;
  /** Distinct training users per item, for novelty and average popularity. */
  itemPopularity: Float64Array;
  numTrainUsers: number;
}

/**
 * Accuracy and beyond-accuracy metrics at each K, averaged over cases:
 *   hr        1 if any target is in the top K
 *   recall    hits / |targets|            precision  hits / K
 *   ndcg      Σ_hits 1/log2(rank+1) / Σ_{r ≤ min(|targets|,K)} 1/log2(r+1)   (binary gain, rank from 1)
 *   mrr       1/rank of the first hit within K, else 0
 * and over all recommended lists:
 *   coverage  distinct recommended items / catalog size
 *   novelty   mean self-information −log2 p(i), p(i) = (users of i + 1) / (train users + 1)
 *   gini      Gini coefficient of how often each catalog item is shown (0 = even, → 1 = one item)
 *   popularity mean number of training users of a recommended item
 */
export function rankingMetrics(input: MetricsInput): Record<string, number> {
  const { cases, rankings, numItems, itemPopularity, numTrainUsers } = input;
  const selfInformation = Float64Array.from(itemPopularity, (p) => -Math.log2((p + 1) / (numTrainUsers + 1)));
  const out: Record<string, number> = {};
  for (const k of input.ks) {
    let hr = 0,
      recall = 0,
      precision = 0,
      ndcg = 0,
      mrr = 0,
      novelty = 0,
      popularity = 0,
      shown = 0;
    const exposure = new Float64Array(numItems);
    cases.forEach(({ targets }, c) => {
      const ranking = rankings[c];
      const wanted = new Set(targets);
      let hits = 0,
        dcg = 0,
        first = 0;
      const depth = Math.min(k, ranking.length);
      for (let r = 0; r < depth; r++) {
        const item = ranking[r];
        exposure[item]++;
        novelty += selfInformation[item];
        popularity += itemPopularity[item];
        shown++;
        if (!wanted.has(item)) continue;
        hits++;
        dcg += 1 / Math.log2(r + 2);
        if (!first) first = r + 1;
      }
      let idcg = 0;
      for (let r = 0; r < Math.min(wanted.size, k); r++) idcg += 1 / Math.log2(r + 2);
      hr += hits > 0 ? 1 : 0;
      recall += hits / wanted.size;
      precision += hits / k;
      ndcg += idcg > 0 ? dcg / idcg : 0;
      mrr += first ? 1 / first : 0;
    });
    const n = Math.max(1, cases.length);
    out[`hr@${k}`] = hr / n;
    out[`recall@${k}`] = recall / n;
    out[`precision@${k}`] = precision / n;
    out[`ndcg@${k}`] = ndcg / n;
    out[`mrr@${k}`] = mrr / n;
    out[`coverage@${k}`] = exposure.reduce((s, e) => s + (e > 0 ? 1 : 0), 0) / Math.max(1, numItems);
    out[`novelty@${k}`] = shown ? novelty / shown : 0;
    out[`gini@${k}`] = gini(exposure);
    out[`popularity@${k}`] = shown ? popularity / shown : 0;
  }
  return out;
}

/** G = Σ_i (2i − n − 1)·x_i / (n·Σx) over x sorted ascending, i from 1; 0 when nothing was shown. */
export function gini(values: Float64Array): number {
  const x = Float64Array.from(values).sort();
  const n = x.length;
  let total = 0;
  let weighted = 0;
  for (let i = 0; i < n; i++) {
    total += x[i];
    weighted += (2 * (i + 1) - n - 1) * x[i];
  }
  return total > 0 ? weighted / (n * total) : 0;
}

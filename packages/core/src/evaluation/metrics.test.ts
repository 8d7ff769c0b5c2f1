import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gini, rankingMetrics } from './metrics.js';

const close = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) < 1e-12, `${what}: ${actual} ≠ ${expected}`);

test('a single target at rank 3', () => {
  const m = rankingMetrics({
    cases: [{ targets: Int32Array.of(7) }],
    rankings: [Int32Array.of(1, 2, 7, 4, 5)],
    ks: [2, 5],
    numItems: 10,
    itemPopularity: new Float64Array(10).fill(3),
    numTrainUsers: 7,
  });
  close(m['hr@2'], 0, 'hr@2');
  close(m['hr@5'], 1, 'hr@5');
  close(m['ndcg@5'], 1 / Math.log2(4), 'ndcg@5 = 1/log2(3+1)');
  close(m['mrr@5'], 1 / 3, 'mrr@5');
  close(m['precision@5'], 1 / 5, 'precision@5');
  close(m['recall@5'], 1, 'recall@5');
  close(m['coverage@2'], 2 / 10, 'coverage@2');
  close(m['novelty@5'], -Math.log2(4 / 8), 'novelty: p = (3+1)/(7+1)');
  close(m['popularity@5'], 3, 'average popularity');
});

test('several targets: recall, and ndcg against the ideal ordering', () => {
  const m = rankingMetrics({
    cases: [{ targets: Int32Array.of(1, 9) }, { targets: Int32Array.of(3) }],
    rankings: [Int32Array.of(1, 2, 3), Int32Array.of(5, 6, 8)],
    ks: [3],
    numItems: 10,
    itemPopularity: new Float64Array(10),
    numTrainUsers: 1,
  });
  close(m['hr@3'], 0.5, 'hr');
  close(m['recall@3'], 0.25, 'recall: (1/2 + 0) / 2');
  close(m['ndcg@3'], 1 / (1 + 1 / Math.log2(3)) / 2, 'ndcg: one of two ideal hits at rank 1');
  close(m['mrr@3'], 0.5, 'mrr');
});

test('gini is 0 for even exposure and (n−1)/n when one item takes all', () => {
  close(gini(Float64Array.of(2, 2, 2, 2)), 0, 'even');
  close(gini(Float64Array.of(0, 0, 0, 8)), 3 / 4, 'one item');
  close(gini(new Float64Array(3)), 0, 'nothing shown');
});

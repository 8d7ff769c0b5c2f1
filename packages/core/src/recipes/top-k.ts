/** An item index with its score; higher scores rank first. */
export interface ScoredItem {
  item: number;
  score: number;
}

/**
 * The n best entries of scores in descending order, skipping -Infinity (excluded items). A bounded min-heap:
 * O(m log n) for m scores. Ties go to the lower index so results are deterministic.
 */
export function topK(scores: Float32Array, n: number, candidates?: Int32Array): ScoredItem[] {
  const heapItems = new Int32Array(n);
  const heapScores = new Float32Array(n);
  let size = 0;
  // "a worse than b" in ranking order: lower score, or equal score and higher index.
  const worse = (sa: number, ia: number, sb: number, ib: number) => sa < sb || (sa === sb && ia > ib);
  const siftDown = (start: number) => {
    let i = start;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < size && worse(heapScores[l], heapItems[l], heapScores[m], heapItems[m])) m = l;
      if (r < size && worse(heapScores[r], heapItems[r], heapScores[m], heapItems[m])) m = r;
      if (m === i) return;
      [heapScores[i], heapScores[m]] = [heapScores[m], heapScores[i]];
      [heapItems[i], heapItems[m]] = [heapItems[m], heapItems[i]];
      i = m;
    }
  };
  const offer = (item: number) => {
    const s = scores[item];
    if (s === -Infinity || Number.isNaN(s)) return;
    if (size < n) {
      let i = size++;
      heapItems[i] = item;
      heapScores[i] = s;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!worse(heapScores[i], heapItems[i], heapScores[p], heapItems[p])) break;
        [heapScores[i], heapScores[p]] = [heapScores[p], heapScores[i]];
        [heapItems[i], heapItems[p]] = [heapItems[p], heapItems[i]];
        i = p;
      }
    } else if (n > 0 && worse(heapScores[0], heapItems[0], s, item)) {
      heapItems[0] = item;
      heapScores[0] = s;
      siftDown(0);
    }
  };
  if (candidates) for (const item of candidates) offer(item);
  else for (let item = 0; item < scores.length; item++) offer(item);

  const out: ScoredItem[] = [];
  for (let i = 0; i < size; i++) out.push({ item: heapItems[i], score: heapScores[i] });
  return out.sort((a, b) => b.score - a.score || a.item - b.item);
}

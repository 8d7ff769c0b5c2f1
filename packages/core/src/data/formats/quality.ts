/** Share of valid rows a dataset needs before anything trains on it (PRODUCT.md §4). */
export const QUALITY_GATE = 0.95;

/** How clean an imported file was: counts, the gate verdict and the reasons rows were rejected. */
export interface DataQuality {
  rows: number;
  valid: number;
  invalid: number;
  validShare: number;
  passes: boolean;
  /** Each reason with how many rows it rejected and the first line where it happened. */
  errors: { reason: string; count: number; firstLine: number }[];
}

/** Tallies valid and rejected rows while a file is read. */
export class QualityCounter {
  private valid = 0;
  private invalid = 0;
  private readonly reasons = new Map<string, { count: number; firstLine: number }>();

  ok(): void {
    this.valid++;
  }

  reject(reason: string, line: number): void {
    this.invalid++;
    const entry = this.reasons.get(reason);
    if (entry) entry.count++;
    else this.reasons.set(reason, { count: 1, firstLine: line });
  }

  report(): DataQuality {
    const rows = this.valid + this.invalid;
    const validShare = rows ? this.valid / rows : 0;
    return {
      rows,
      valid: this.valid,
      invalid: this.invalid,
      validShare,
      passes: rows > 0 && validShare >= QUALITY_GATE,
      errors: [...this.reasons].map(([reason, e]) => ({ reason, ...e })).sort((a, b) => b.count - a.count),
    };
  }
}

import { GuError } from '../errors.js';

/** One step of a multi-step change, with how to undo it (after Medusa's createStep). */
export interface Step {
  name: string;
  invoke: () => Promise<void> | void;
  compensate?: () => Promise<void> | void;
}

/**
 * Runs steps in order; when one fails, undoes the completed ones in reverse order and rethrows, naming the
 * step, so a change either happens whole or not at all. Every completed step is undone even when another
 * undo fails (those failures ride along as undoErrors); a GuError is rethrown as is, so its code survives.
 */
export async function runSteps(steps: readonly Step[]): Promise<void> {
  const done: Step[] = [];
  for (const step of steps) {
    try {
      await step.invoke();
      done.push(step);
    } catch (error) {
      const undoErrors: unknown[] = [];
      for (const d of done.reverse()) {
        try {
          await d.compensate?.();
        } catch (undoError) {
          undoErrors.push(undoError);
        }
      }
      if (error instanceof GuError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw Object.assign(new Error(`step ${step.name} failed: ${reason}`, { cause: error }), {
        ...(undoErrors.length ? { undoErrors } : {}),
      });
    }
  }
}

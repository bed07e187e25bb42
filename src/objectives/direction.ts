/**
 * Directions of objectives. Everything below the commands minimises: a maximised objective (accuracy) is
 * negated on the way in and negated back for display. This is the one place that says how.
 */
export type Direction = 'min' | 'max';

/** An objective by name and direction (an evaluator's reply, an open search's objectives). */
export interface ObjectiveSpec {
  name: string;
  direction: Direction;
}

/** +1 for a minimised objective, -1 for a maximised one: `sign * value` is minimised. */
export function minimiseSign(direction: Direction): 1 | -1 {
  return direction === 'max' ? -1 : 1;
}

/** A value in its own units as the minimised value the search and the indicators see. */
export function toMinimised(value: number, direction: Direction): number {
  return direction === 'max' ? -value : value;
}

/** Back from the minimised value to the objective's own units (negation undoes itself). */
export const fromMinimised: (value: number, direction: Direction) => number = toMinimised;

/** `-accuracy` for a maximised objective, `latency` for a minimised one: the name of the minimised column. */
export function minimisedName(name: string, direction: Direction): string {
  return direction === 'max' ? `-${name}` : name;
}

// Field schemas shared by rules and their kinds' params. The messages are what the API answers
// with (400, per field), so they name the bounds and the unit.
import { z } from 'zod';

export const DAY = 86_400;
export const WEEK = 7 * DAY;

export const strict = <S extends z.ZodRawShape>(shape: S) =>
  z.strictObject(shape, { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : 'must be an object') });

export const whole = (min: number, max: number, unit = '') =>
  z
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(min, `must be between ${min} and ${max}${unit}`)
    .max(max, `must be between ${min} and ${max}${unit}`);

export const share = () => z.number({ error: 'must be a number' }).min(0, 'must be between 0 and 100').max(100, 'must be between 0 and 100');

/** How the rule editor shows a parameter: `duration` is entered with a unit, the others are numbers followed by theirs. */
export type ParamUnit = 'duration' | 'checks' | '%' | 'ms' | 'integrations' | 'users';

export interface ParamWords {
  title: string;
  unit: ParamUnit;
  /** What the editor starts from; the API requires every param all the same. */
  default: number;
  description?: string;
}

/** A parameter with the words the editor shows (they become its JSON Schema: title, description, default, x-unit). */
export const param = <T extends z.ZodType>(schema: T, words: ParamWords): T => {
  const { unit, ...rest } = words;
  return schema.meta({ ...rest, 'x-unit': unit }) as T;
};

export const windowParam = (fallback: number) =>
  param(whole(60, DAY, ' seconds'), { title: 'Window', unit: 'duration', default: fallback, description: 'Whole minutes, from 1 minute to 1 day.' });

export const minSampleParam = () =>
  param(whole(1, 1_000_000, ' checks'), { title: 'Only with at least', unit: 'checks', default: 20, description: 'Fewer checks in the window say too little.' });

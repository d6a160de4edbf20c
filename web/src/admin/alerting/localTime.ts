// `<input type="datetime-local">` speaks local wall-clock time without a zone; the API speaks
// epoch milliseconds.

export const toLocalInput = (ms: number) => {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
};

/** NaN for an empty or incomplete value. */
export const fromLocalInput = (value: string) => (value ? new Date(value).getTime() : NaN);

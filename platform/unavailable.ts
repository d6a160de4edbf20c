// A dependency that cannot take a request right now (Kafka, the schema registry, Postgres):
// not the request's fault, worth retrying later. The API answers 503 with Retry-After for it,
// never a 202 for a fact that was not acknowledged.
export type Dependency = 'kafka' | 'registry' | 'postgres';

export class DependencyUnavailable extends Error {
  constructor(
    readonly dependency: Dependency,
    cause: unknown,
  ) {
    super(`${dependency} is unavailable: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'DependencyUnavailable';
  }
}

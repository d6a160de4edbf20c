// The little of istanbul-lib-report and istanbul-reports that webCoverage.ts uses (neither ships types).
declare module 'istanbul-lib-report' {
  import type { CoverageMap } from 'istanbul-lib-coverage';
  export interface Context {
    readonly dir: string;
  }
  export function createContext(options: { dir: string; coverageMap: CoverageMap; defaultSummarizer?: 'flat' | 'nested' | 'pkg' }): Context;
  const libReport: { createContext: typeof createContext };
  export default libReport;
}

declare module 'istanbul-reports' {
  import type { Context } from 'istanbul-lib-report';
  export function create(name: string, options?: Record<string, unknown>): { execute(context: Context): void };
  const reports: { create: typeof create };
  export default reports;
}

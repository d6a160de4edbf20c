// An integration's problem in plain words: what is wrong, the steps to fix it, and the docs.
import type { HealthStatus, UserError } from '../api/types';
import { ExternalLink } from '../ui/Icons';

export function ErrorAdvice({ error, status, headingLevel = 4 }: { error: UserError; status: HealthStatus; headingLevel?: 3 | 4 }) {
  const H = `h${headingLevel}` as 'h3' | 'h4';
  const tone = status === 'red' ? 'red' : 'yellow';
  return (
    <section className={`advice advice--${tone}`} aria-label="What is wrong and how to fix it">
      <p className="advice__message">{error.message}</p>
      {error.steps.length > 0 && (
        <>
          <H className="advice__heading">How to fix it</H>
          <ol className="advice__steps">
            {error.steps.map((s, i) => <li key={i}>{s}</li>)}
          </ol>
        </>
      )}
      <a className="advice__docs" href={error.docsUrl} target="_blank" rel="noopener noreferrer">
        Troubleshooting guide<span className="visually-hidden"> for {error.code.replace(/_/g, ' ')} (opens in a new tab)</span>
        <ExternalLink size={14} />
      </a>
    </section>
  );
}

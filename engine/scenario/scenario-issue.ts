import { formatIssues } from './format-issues.js';

/**
 * One problem with a scenario: which file, which key, what was expected. Issues are data: the
 * validator collects every one of them and only the CLI edge turns them into text and an exit code.
 */
export interface ScenarioIssue {
  /** The scenario file as the user named it ('--set' for a malformed override). */
  file: string;
  /** Key path inside the file, e.g. ['workload', 'arrival', 'rate'] or ['checks', 2]. */
  path: (string | number)[];
  /** "expected X, got Y" (or a parse error's own words). */
  message: string;
  /** 1-based line, for parse errors where a key path is not known yet. */
  line?: number;
  /** A bug in Headroom met while validating, not a problem of the input (the CLI exits 3). */
  internal?: true;
}

/** Thrown only at I/O edges (readScenarioFile); carries every issue found. */
export class ScenarioError extends Error {
  readonly issues: ScenarioIssue[];

  constructor(issues: ScenarioIssue[]) {
    super(formatIssues(issues));
    this.name = 'ScenarioError';
    this.issues = issues;
  }
}

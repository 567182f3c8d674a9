import { TraceFileError } from '../workload/trace-file.js';
import { loadWorkloadData, type WorkloadData } from '../workload/workload-data.js';
import { applyOverrides } from './apply-overrides.js';
import { readScenarioFile } from './read-scenario-file.js';
import { ScenarioError, type ScenarioIssue } from './scenario-issue.js';
import type { Scenario } from './scenario-types.js';
import { validateScenario } from './validate-scenario.js';
import { safeLine } from '../input/terminal-text.js';
import { ProfileFileError, readProfileFile } from '../step-time/calibration-profile.js';

export interface LoadScenarioOptions {
  /** `key.path=value` overrides, applied before validation so they are checked like the file. */
  sets?: string[];
  /** Replaces the scenario's seed. */
  seed?: number;
}

export interface LoadedScenario {
  scenario: Scenario;
  data: WorkloadData;
}

/**
 * An issue under a key path that a --set wrote is that flag's as much as the file's: name both
 * (the last --set that covers the path, since later ones win).
 */
function blameOverride(issue: ScenarioIssue, sets: readonly string[]): ScenarioIssue {
  const key = issue.path.join('.');
  for (let i = sets.length - 1; i >= 0; i--) {
    const set = sets[i]!;
    const target = set.slice(0, Math.max(0, set.indexOf('='))).trim();
    if (target !== '' && (key === target || key.startsWith(`${target}.`))) return { ...issue, file: `${issue.file} (--set ${safeLine(set)})` };
  }
  return issue;
}

/**
 * Everything between a path on disk and a run: read, override, validate, load the trace and
 * length files. Throws ScenarioError carrying every issue found, before anything is simulated.
 */
export function loadScenario(path: string, options: LoadScenarioOptions = {}): LoadedScenario {
  const { file, baseDir, raw } = readScenarioFile(path);
  let written: unknown = raw;
  const sets = [...(options.sets ?? [])];
  if (options.seed !== undefined) sets.push(`seed=${options.seed}`);
  if (sets.length > 0) {
    const overridden = applyOverrides(raw, sets);
    if (!overridden.ok) throw new ScenarioError(overridden.issues.map((i) => ({ ...i, file: i.file || file })));
    written = overridden.raw;
  }
  const validated = validateScenario(written, { file, baseDir });
  if (!validated.ok) throw new ScenarioError(validated.issues.map((issue) => blameOverride(issue, sets)));
  const scenario = withProfile(validated.scenario);
  try {
    return { scenario, data: loadWorkloadData(scenario) };
  } catch (error) {
    if (error instanceof TraceFileError) {
      throw new ScenarioError(
        error.issues.map((i) => ({
          file: i.file,
          path: [],
          message: i.message,
          ...(i.line !== null ? { line: i.line } : {}),
        })),
      );
    }
    throw error;
  }
}

/** The scenario with its calibration profile read and checked (at the edge: simulate does no I/O). */
function withProfile(scenario: Scenario): Scenario {
  const c = scenario.calibration;
  if (c === null || c.profile !== null) return scenario;
  try {
    return { ...scenario, calibration: { profileFile: c.profileFile, profile: readProfileFile(c.profileFile) } };
  } catch (error) {
    if (error instanceof ProfileFileError) throw new ScenarioError(error.issues.map((i) => ({ file: error.file, ...i })));
    throw error;
  }
}

// The scenario library's data format (server/profiles/scenarios/*.json, scenario.schema.json).
// A scenario is a canonical kernel path a touched function can race with, one lock event per step,
// with file:line in the corpus tree of its era so the printed schedule points at real code.

export interface ScenarioEvent {
  op: 'lock' | 'unlock' | 'trylock';
  lock: string;              // class id as the profiles name it ("anon_vma", "pte_ptl")
  names?: string[];          // other names to try against the profile's ids and aliases
  mode: 'read' | 'write';
  label: string;             // lockdep-style name: "&anon_vma->lock", "tasklist_lock"
  file?: string;
  line?: number;
  function?: string;
  call?: string;             // text on that corpus line (the tests check it)
  note?: string;
  optional?: boolean;        // dropped (not the scenario) when the profile lacks its class
}

/** A configuration in which one class is really another lock (split page-table locks off). */
export interface ScenarioVariant {
  id: string;
  note: string;
  replace: Record<string, { lock: string; label: string }>;
}

export interface Scenario {
  id: string;
  title: string;
  eras: string[];            // profile ids or version ranges ("2.6.34..2.6.39", "6.4..")
  tree: string;              // corpus tree of file:line ("linux-2.6.34")
  source: { file: string; function: string; line: number; why: string };
  events: ScenarioEvent[];
  variants?: ScenarioVariant[];
}

export interface ScenarioFile {
  scenarios: Scenario[];
}

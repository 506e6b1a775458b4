// Per-document analysis runs: debounced while the user types, cancelled (AbortSignal) when a newer
// edit arrives, forced at once when a request (hover, lens, simulate) needs the current version.
// A single edit after a quiet spell runs at once (no debounce delay): the debounce only coalesces
// bursts of edits.

export type RunFn<T> = (key: string, version: number, signal: AbortSignal) => Promise<T>;

interface DocRun<T> { version: number; controller: AbortController; promise: Promise<T | undefined> }

interface DocState<T> {
  want: number;
  lastChange: number;
  timer?: ReturnType<typeof setTimeout>;
  run?: DocRun<T>;
  latest?: { version: number; value: T };
}

export class Scheduler<T> {
  private docs = new Map<string, DocState<T>>();

  constructor(
    private readonly runFn: RunFn<T>,
    private readonly onDone: (key: string, version: number, value: T) => void,
    private readonly debounceMs: number,
  ) {}

  /** The document changed (or must be re-analysed: settings, trust). */
  changed(key: string, version: number, immediate = false): void {
    const now = Date.now();
    let st = this.docs.get(key);
    if (!st) { st = { want: version, lastChange: 0 }; this.docs.set(key, st); }
    const quiet = now - st.lastChange > this.debounceMs && !st.run && !st.timer;
    st.want = version;
    st.lastChange = now;
    if (st.run) st.run.controller.abort();
    if (st.timer) clearTimeout(st.timer);
    st.timer = setTimeout(() => this.start(key), immediate || quiet ? 0 : this.debounceMs);
  }

  private start(key: string): DocRun<T> | undefined {
    const st = this.docs.get(key);
    if (!st) return undefined;
    if (st.timer) { clearTimeout(st.timer); st.timer = undefined; }
    const version = st.want;
    const controller = new AbortController();
    const run: DocRun<T> = { version, controller, promise: Promise.resolve(undefined) };
    run.promise = this.runFn(key, version, controller.signal).then(
      (value) => {
        if (controller.signal.aborted) return undefined;
        st.latest = { version, value };
        this.onDone(key, version, value);
        return value;
      },
      () => undefined,                // aborted (runFn turns every other failure into a value)
    ).finally(() => { if (st.run === run) st.run = undefined; });
    st.run = run;
    return run;
  }

  /** The result for `version`, running the analysis now if it is only scheduled. Undefined when a
   *  newer version superseded it or the document was closed. */
  async current(key: string, version: number): Promise<T | undefined> {
    for (let tries = 0; tries < 50; tries++) {
      const st = this.docs.get(key);
      if (!st) return undefined;
      if (st.latest?.version === version && !st.timer && (!st.run || st.run.version === version)) return st.latest.value;
      if (st.want !== version) return undefined;
      const run = st.timer ? this.start(key) : st.run && st.run.version === version ? st.run : this.start(key);
      const v = await run?.promise;
      if (v !== undefined) return v;
    }
    return undefined;
  }

  /** The last finished result, whatever its version. */
  last(key: string): { version: number; value: T } | undefined {
    return this.docs.get(key)?.latest;
  }

  close(key: string): void {
    const st = this.docs.get(key);
    if (!st) return;
    if (st.timer) clearTimeout(st.timer);
    st.run?.controller.abort();
    this.docs.delete(key);
  }

  keys(): string[] { return [...this.docs.keys()]; }
}

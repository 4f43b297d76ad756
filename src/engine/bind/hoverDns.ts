// The short DNS answer in a hover: cached per name, and bounded in time — a hover waits at most
// `budgetMs` (300 ms in the extension), then says "resolving…" while the lookup finishes in the
// background for the next hover. The lookup is injected; the caller decides whether to look up at
// all (never in an untrusted workspace).
export type NameLookup = (name: string) => Promise<string[]>;

export interface HoverResolverOptions {
  budgetMs: number;
  ttlMs: number;
  now?: () => number;
}

interface Entry {
  at: number;
  answer: string | null;
}

/** Returns the answer ("10.0.0.3, fd00::3", "does not resolve (ENOTFOUND)"), or null while still resolving. */
export function createHoverResolver(lookup: NameLookup, options: HoverResolverOptions): (name: string) => Promise<string | null> {
  const cache = new Map<string, Entry>();
  const now = options.now ?? Date.now;
  return async (name) => {
    const hit = cache.get(name);
    if (hit && (hit.answer === null || now() - hit.at < options.ttlMs)) return hit.answer;
    const entry: Entry = { at: now(), answer: null };
    cache.set(name, entry);
    const answer = lookup(name).then(
      (addresses) => (addresses.length > 0 ? addresses.join(', ') : 'no address'),
      (err: unknown) => `does not resolve (${(err as NodeJS.ErrnoException | null)?.code ?? (err instanceof Error ? err.message : String(err))})`,
    );
    void answer.then((text) => {
      entry.answer = text;
      entry.at = now();
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const budget = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), options.budgetMs);
    });
    try {
      return await Promise.race([answer, budget]);
    } finally {
      clearTimeout(timer);
    }
  };
}

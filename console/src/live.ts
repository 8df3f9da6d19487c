// What the current view does when the server says something changed (server-sent events).
export const live: { onMesh?: (mesh: string) => void; onProxies?: () => void; onInventory?: () => void } = {};

/** Runs `fn` at most once per `ms`, trailing (a burst of changes → one refresh). */
export function coalesce(fn: () => void, ms = 250): () => void {
  let timer: number | undefined;
  return () => {
    if (timer !== undefined) return;
    timer = window.setTimeout(() => {
      timer = undefined;
      fn();
    }, ms);
  };
}

// The lifecycle every long-running part of the process follows (xDS server, endpoint reconciler,
// DNS server, singleton jobs …): started one after another, stopped in the reverse order.
export interface Component<Exposed = void> {
  readonly name: string;
  /** Resolves once the component runs, with what it exposes to the rest of the process (the ports it bound). */
  start(): Promise<Exposed>;
  stop(): Promise<void>;
}
